import { readFileSync } from 'node:fs';
import { APIResponseError, Client, isFullBlock, isFullDataSource, isFullPage, LogLevel } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaValidator, pointerSegment, testdataPath } from '../kit/index.js';
import { NOTION_VERSION, seedNotionWorkspace, startNotionTwin, type NotionTwin } from './index.js';

// Notion's own OpenAPI 3.1 description of the 2025-09-03 edition. Its 200 responses are described only as objects,
// so the twin's bodies are also checked with the official client's type guards; request bodies and parameters are
// described fully and checked here.
const spec = JSON.parse(readFileSync(testdataPath('specs', 'notion', 'notion-openapi.json'), 'utf8'));
const validator = createSchemaValidator(spec as object);
const response = (path: string, method: string, status: number) =>
  `#/paths/${pointerSegment(path)}/${method}/responses/${status === 200 ? 200 : 400}/content/application~1json/schema`;
const requestBody = (path: string, method: string) =>
  `#/paths/${pointerSegment(path)}/${method}/requestBody/content/application~1json/schema`;
/** Whether the description has a schema at a pointer (users/{user_id} documents its 200 by example only). */
function described(pointer: string): boolean {
  let node: unknown = spec;
  for (const seg of pointer.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node !== undefined;
}
const ROUTES: Record<string, [path: string, method: string]> = {
  search: ['/v1/search', 'post'],
  'blocks.children.list': ['/v1/blocks/{block_id}/children', 'get'],
  'pages.retrieve': ['/v1/pages/{page_id}', 'get'],
  'dataSources.retrieve': ['/v1/data_sources/{data_source_id}', 'get'],
  'users.me': ['/v1/users/me', 'get'],
  'users.retrieve': ['/v1/users/{user_id}', 'get'],
};

let twin: NotionTwin;
let notion: Client;
const seed = seedNotionWorkspace({ pages: 12, blocksPerPage: 30, dataSources: 1, rowsPerSource: 5 });
beforeAll(async () => {
  twin = await startNotionTwin(seed.state);
  notion = new Client({
    auth: 'secret_twin',
    baseUrl: twin.url,
    retry: false,
    notionVersion: NOTION_VERSION,
    logLevel: LogLevel.ERROR,
  });
});
afterAll(async () => twin.close());

describe('notion twin', () => {
  it("answers the official client with pages, block trees and data sources that fit Notion's description", async () => {
    const first = await notion.search({
      sort: { timestamp: 'last_edited_time', direction: 'descending' },
      page_size: 7,
    });
    expect(first.has_more).toBe(true);
    const second = await notion.search({
      sort: { timestamp: 'last_edited_time', direction: 'descending' },
      page_size: 100,
      start_cursor: first.next_cursor!,
    });
    const all = [...first.results, ...second.results];
    expect(all).toHaveLength(12 + 5 + 1);
    const times = all.map((r) => Date.parse((r as unknown as { last_edited_time: string }).last_edited_time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.filter((r) => isFullPage(r))).toHaveLength(17);
    expect(all.filter((r) => isFullDataSource(r))).toHaveLength(1);
    const onlySources = await notion.search({ filter: { property: 'object', value: 'data_source' } });
    expect(onlySources.results.map((r) => r.id)).toEqual(seed.dataSourceIds);

    const blocks = await notion.blocks.children.list({ block_id: seed.pageIds[1]!, page_size: 100 });
    expect(blocks.results.every((b) => isFullBlock(b))).toBe(true);
    const table = blocks.results.find((b) => isFullBlock(b) && b.type === 'table')!;
    expect(table.has_children).toBe(true);
    const rows = await notion.blocks.children.list({ block_id: table.id });
    expect(rows.results.map((b) => (isFullBlock(b) ? b.type : ''))).toEqual(['table_row', 'table_row']);
    const page = await notion.pages.retrieve({ page_id: seed.rowIds[0]! });
    expect(isFullPage(page) && Object.keys(page.properties)).toContain('Status');
    await notion.dataSources.retrieve({ data_source_id: seed.dataSourceIds[0]! });
    await notion.users.me({});
    await notion.users.retrieve({ user_id: seed.userIds[0]! });
    await expect(notion.pages.retrieve({ page_id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      code: 'object_not_found',
      status: 404,
    });

    const problems = twin.exchanges.flatMap((x) => {
      const [path, method] = ROUTES[x.route]!;
      const pointer = response(path, method, x.status);
      return described(pointer) ? validator.validate(pointer, x.body).map((p) => `${x.route}: ${p}`) : [];
    });
    for (const r of twin.requests) {
      const [path, method] = ROUTES[r.route]!;
      problems.push(...validator.validate(requestBody(path, method), r.body).map((p) => `${r.route} request: ${p}`));
    }
    expect(problems).toEqual([]);
    expect(twin.exchanges.length).toBeGreaterThan(8);
  });

  it('refuses bad tokens with 401 unauthorized, a missing version with 400, bad cursors with 400', async () => {
    twin.state.tokens.set('secret_expired', 'expired');
    for (const token of ['secret_nope', 'secret_expired']) {
      const c = new Client({ auth: token, baseUrl: twin.url, retry: false, logLevel: LogLevel.ERROR });
      const err = await c.users.me({}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIResponseError);
      expect(err).toMatchObject({ status: 401, code: 'unauthorized' });
    }
    const noVersion = await fetch(`${twin.url}/v1/users/me`, { headers: { authorization: 'Bearer secret_twin' } });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ object: 'error', code: 'missing_version' });
    await expect(notion.search({ start_cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'validation_error' });
  });

  it('hides trashed and un-shared pages from search, and answers 404 for an un-shared page', async () => {
    const s = seedNotionWorkspace({ pages: 5, blocksPerPage: 3 });
    const t = await startNotionTwin(s.state);
    try {
      const c = new Client({ auth: 'secret_twin', baseUrl: t.url, retry: false, logLevel: LogLevel.ERROR });
      s.state.trash(s.pageIds[1]!);
      s.state.unshare(s.pageIds[2]!);
      const ids = (await c.search({})).results.map((r) => r.id);
      expect(ids.sort()).toEqual([s.pageIds[0], s.pageIds[3], s.pageIds[4]].sort());
      expect(await c.pages.retrieve({ page_id: s.pageIds[1]! })).toMatchObject({ in_trash: true });
      await expect(c.pages.retrieve({ page_id: s.pageIds[2]! })).rejects.toMatchObject({ status: 404 });
    } finally {
      await t.close();
    }
  });
});
