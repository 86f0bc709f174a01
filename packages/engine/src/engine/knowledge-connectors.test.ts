import { afterEach, describe, expect, it } from 'vitest';
import type { AnyConnector, Credential } from '@tributary/sdk';
import { confluenceConnector } from '@tributary/connectors/confluence/index';
import { jiraConnector } from '@tributary/connectors/jira/index';
import { notionConnector } from '@tributary/connectors/notion/index';
import { seedNotionWorkspace, startNotionTwin } from '../../../../test/twins/notion/index.js';
import {
  seedConfluenceSite,
  seedJiraSite,
  startConfluenceTwin,
  startJiraTwin,
} from '../../../../test/twins/atlassian/index.js';
import { createTestEngine } from './test-support/harness.js';

/**
 * Notion, Jira and Confluence through the real engine and SQLite store: the Markdown they yield is what search
 * shows (snippets without raw JSON or ADF), Confluence versions become memory versions, deletions found by
 * reconciliation leave search.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function engineFor(connector: AnyConnector, credential: Credential) {
  const t = await createTestEngine([connector], {
    credentials: () => ({ get: async () => credential, refresh: async () => credential }),
  });
  cleanups.push(t.cleanup);
  return t.engine;
}

/** Raw JSON, ADF or storage markup in a snippet would show as these. */
const RAW = /"type"|\{"|"attrs"|atlas_doc_format|<ac:|<ri:|rich_text/;

describe('knowledge connectors through the engine', () => {
  it('notion: block Markdown survives the search snippet; a trashed page leaves search after reconciliation', async () => {
    const seed = seedNotionWorkspace({ pages: 12, blocksPerPage: 30 });
    const twin = await startNotionTwin(seed.state);
    cleanups.push(() => twin.close());
    const engine = await engineFor(notionConnector, { kind: 'token', token: 'secret_twin' });
    const source = await engine.sources.add({
      connector: 'notion',
      name: 'notion',
      config: { baseUrl: twin.url, reconcileHours: 0 },
    });
    expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 12 });
    const { hits } = await engine.search({ text: 'importer', limit: 20 });
    expect(hits).toHaveLength(12);
    for (const h of hits) expect(h.snippet).not.toMatch(RAW);
    expect(hits[0]!.snippet).toMatch(/\[x\] Ship the <mark>importer<\/mark>/);
    const memory = await engine.getMemory(hits[0]!.memoryId);
    expect(memory!.content).toContain('```typescript\nconst total');

    seed.state.trash(seed.pageIds[3]!);
    expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded', deleted: 1 });
    expect((await engine.search({ text: 'importer', limit: 20 })).hits.map((h) => h.externalId)).not.toContain(
      seed.pageIds[3],
    );
  });

  it('jira: ADF descriptions and comments are searchable Markdown; a deleted issue leaves search', async () => {
    const seed = seedJiraSite({ projects: 1, issuesPerProject: 6, commentsPerIssue: 2 });
    const twin = await startJiraTwin(seed.state);
    cleanups.push(() => twin.close());
    const engine = await engineFor(jiraConnector, {
      kind: 'password',
      username: 'ada@example.com',
      password: 'jira-token',
    });
    const source = await engine.sources.add({
      connector: 'jira',
      name: 'jira',
      config: { siteUrl: twin.siteUrl, reconcileHours: 0 },
    });
    expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 6 + 12 });
    const panel = await engine.search({ text: 'freeze', limit: 5 });
    expect(panel.hits[0]!.externalId).toBe(`issue:${seed.issueIds[0]}`);
    expect(panel.hits[0]!.snippet).toContain('**Warning:** <mark>Freeze</mark> starts Friday');
    const comments = await engine.search({ text: 'looking', limit: 20 });
    expect(comments.hits).toHaveLength(12);
    for (const h of [...panel.hits, ...comments.hits]) expect(h.snippet).not.toMatch(RAW);

    seed.state.remove(seed.issueIds[0]!);
    expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded', deleted: 3 });
    expect((await engine.search({ text: 'freeze', limit: 5 })).hits).toEqual([]);
  });

  it('confluence: page versions become memory versions; storage macros render as text in snippets', async () => {
    const seed = seedConfluenceSite({ spaces: 1, pagesPerSpace: 5, versionsPerPage: 3, blogPostsPerSpace: 1 });
    const twin = await startConfluenceTwin(seed.state);
    cleanups.push(() => twin.close());
    const engine = await engineFor(confluenceConnector, {
      kind: 'password',
      username: 'ada@example.com',
      password: 'wiki-token',
    });
    const source = await engine.sources.add({
      connector: 'confluence',
      name: 'wiki',
      config: { siteUrl: twin.siteUrl, bodyFormat: 'storage' },
    });
    expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded' });
    const hit = (await engine.search({ text: '"version 3"', limit: 10 })).hits.find(
      (h) => h.externalId === `page:${seed.pageIds[2]}`,
    )!;
    expect(hit.snippet).not.toMatch(RAW);
    const memory = await engine.getMemory(hit.memoryId);
    expect(memory!.versions).toHaveLength(2);
    expect(memory!.content).toContain('version 3');
    const macro = await engine.search({ text: 'freeze', limit: 5 });
    expect(macro.hits[0]!.snippet).toContain('**Warning — Careful:** <mark>Freeze</mark> starts Friday');
    expect(macro.hits[0]!.snippet).not.toMatch(RAW);
  });
});
