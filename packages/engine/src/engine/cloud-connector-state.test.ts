import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyConnector, Credential } from '@tributary/sdk';
import { githubConnector } from '@tributary/connectors/github/index';
import { slackConnector } from '@tributary/connectors/slack/index';
import { seedSlackWorkspace, startSlackTwin } from '../../../../test/twins/slack/index.js';
import { seedGithubRepo, startGithubTwin } from '../../../../test/twins/github/index.js';
import { createTestEngine } from './test-support/harness.js';

/**
 * Slack and GitHub through the real engine and SQLite store: per-channel and per-repository cursors live in
 * connector state (committed with the pages), the stored checkpoint is a flat tag whatever the number of channels
 * or repositories, and the next sync reads only what changed from that state.
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
  return t;
}

/** What the engine committed for a source, read from the database file: its checkpoint and connector-state keys. */
function committed(dbPath: string, sourceId: string): { checkpoint: unknown; keys: string[] } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const row = db.prepare('SELECT checkpoint FROM checkpoints WHERE source_id = ?').get(sourceId) as
      { checkpoint: string } | undefined;
    const rows = db.prepare('SELECT key FROM connector_state WHERE source_id = ? ORDER BY key').all(sourceId);
    return {
      checkpoint: row ? JSON.parse(row.checkpoint) : undefined,
      keys: (rows as Array<{ key: string }>).map((r) => r.key),
    };
  } finally {
    db.close();
  }
}

describe('cloud connectors keep per-channel and per-repository cursors in connector state', () => {
  it('Slack, 12 channels: checkpoint { v: 2 }, one c: record per channel, the next sync reads only the changes', async () => {
    const seed = seedSlackWorkspace({ channels: 12, messagesPerChannel: 30, dms: 0 });
    const twin = await startSlackTwin(seed.state);
    cleanups.push(() => twin.close());
    const { engine, dbPath } = await engineFor(slackConnector, { kind: 'token', token: 'xoxb-twin-bot' });
    const source = await engine.sources.add({
      connector: 'slack',
      name: 'slack',
      // Several pages per channel; no re-check window, so a resumed channel asks only for what is newer.
      config: { baseUrl: twin.apiUrl, sync: { batchSize: 10, recheckHours: 0 } },
    });
    const first = await engine.sync(source.id);
    expect(first.status).toBe('succeeded');
    const { checkpoint, keys } = committed(dbPath, source.id);
    expect(checkpoint).toEqual({ v: 2 });
    expect(keys.filter((k) => k.startsWith('c:'))).toHaveLength(12);

    seed.state.post('C00003', { user: 'U001', text: 'A new message in channel 3' });
    seed.state.post('C00011', { user: 'U002', text: 'A new message in channel 11' });
    twin.resetCounts();
    const second = await engine.sync(source.id);
    expect(second).toMatchObject({ status: 'succeeded', created: 2, updated: 0 });
    // One history page per channel: every channel resumed from its state record, none re-read from the start.
    expect(twin.counts()['conversations.history']).toBe(12);
  });

  it('GitHub, 3 repositories: checkpoint { v: 2 }, one r: record per repository, a new issue is the only change', async () => {
    const first = seedGithubRepo({ name: 'widgets', issues: 6, pulls: 2, commits: 5, files: 4 });
    seedGithubRepo({ name: 'gadgets', issues: 6, pulls: 2, commits: 5, files: 4, state: first.state });
    const third = seedGithubRepo({ name: 'gizmos', issues: 6, pulls: 2, commits: 5, files: 4, state: first.state });
    const twin = await startGithubTwin(first.state);
    cleanups.push(() => twin.close());
    const { engine, dbPath } = await engineFor(githubConnector, { kind: 'token', token: 'ghp_twin' });
    const source = await engine.sources.add({
      connector: 'github',
      name: 'github',
      config: { repos: ['acme/*'], baseUrl: twin.url },
    });
    const full = await engine.sync(source.id);
    expect(full.status).toBe('succeeded');
    expect(committed(dbPath, source.id)).toEqual({
      checkpoint: { v: 2 },
      keys: ['r:acme/gadgets', 'r:acme/gizmos', 'r:acme/widgets'],
    });

    first.state.addIssue(third.repo, { title: 'A new bug in gizmos', body: 'It broke' });
    const second = await engine.sync(source.id);
    expect(second).toMatchObject({ status: 'succeeded', created: 1, updated: 0, deleted: 0 });
    // Resumed from the r: records: no repository re-lists its commits or trees.
    expect(second.apiCalls).toBeLessThan(full.apiCalls / 2);
  });
});
