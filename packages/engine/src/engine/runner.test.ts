import { afterEach, describe, expect, it } from 'vitest';
import { defineConnector, TributaryError, z } from '@tributary/sdk';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { createTestEngine } from './test-support/harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(connectors = [synthetic as any], opts = {}) {
  const t = await createTestEngine(connectors, opts);
  cleanups.push(t.cleanup);
  return t.engine;
}

describe('sync runner', () => {
  it('backfills, then syncs incrementally: new items only, unchanged skipped', async () => {
    const engine = await setup();
    const source = await engine.sources.add({
      connector: 'synthetic',
      name: 'chat',
      config: { count: 2500, pageSize: 700 },
    });
    const first = await engine.sync(source.id);
    expect(first).toMatchObject({ status: 'succeeded', mode: 'backfill', created: 2500, itemsSeen: 2500 });
    expect(await engine.store.countMemories({ sourceId: source.id })).toBe(2500);
    expect(await engine.store.getCheckpoint(source.id)).toMatchObject({ position: 2500 });
    const again = await engine.sync(source.id);
    expect(again).toMatchObject({ status: 'succeeded', mode: 'incremental', created: 0, itemsSeen: 0 });
    await engine.sources.update(source.id, { config: { count: 2510, pageSize: 700 } });
    const more = await engine.sync(source.id);
    expect(more).toMatchObject({ created: 10, updated: 0 });
    expect((await engine.sources.get(source.id)).lastSyncAt).not.toBeNull();
  });

  it('an edit becomes version 2 of the same memory; a deletion leaves search', async () => {
    const engine = await setup();
    const source = await engine.sources.add({ connector: 'synthetic', name: 'chat', config: { count: 50 } });
    await engine.sync(source.id);
    const before = await engine.store.getMemoryByExternalId(source.id, 'msg-7');
    await engine.sources.update(source.id, { config: { count: 50, revision: { '7': 2 }, deleted: [9] } });
    const run = await engine.sync(source.id);
    expect(run).toMatchObject({ updated: 1, deleted: 1, created: 0 });
    const after = await engine.getMemory(before!.id);
    expect(after).toMatchObject({ id: before!.id, version: 2 });
    expect(after!.content).toContain('edited r2');
    expect(after!.versions[0]!.content).toBe(before!.content);
    expect((await engine.search({ text: 'item9' })).hits).toHaveLength(0);
    expect((await engine.search({ text: 'item7' })).hits.map((h) => h.memoryId)).toEqual([before!.id]);
    expect(await engine.store.countMemories({ sourceId: source.id })).toBe(49);
  });

  it('full refresh tombstones what upstream no longer has', async () => {
    const engine = await setup();
    const source = await engine.sources.add({ connector: 'synthetic', name: 'chat', config: { count: 30 } });
    await engine.sync(source.id);
    await engine.sources.update(source.id, { config: { count: 20 } });
    const run = await engine.sync(source.id, { mode: 'full_refresh' });
    expect(run).toMatchObject({ mode: 'full_refresh', deleted: 10, unchanged: 20, status: 'succeeded' });
    expect(await engine.store.countMemories({ sourceId: source.id })).toBe(20);
  });

  it('backfillDays bounds the first sync', async () => {
    const engine = await setup([synthetic as any], {
      clock: { now: () => Date.UTC(2025, 0, 1) + 5000 * 60_000, sleep: async () => undefined },
    });
    // Items are one minute apart from 2025-01-01; now is item 5000's time: one day back holds 1440 of them.
    const source = await engine.sources.add({ connector: 'synthetic', name: 'chat', config: { count: 5000 } });
    const run = await engine.sync(source.id, { backfillDays: 1 });
    expect(run.created).toBe(1440);
  });

  it('a failure puts the source in error, keeps the last good checkpoint, and the next sync resumes', async () => {
    let failAfter = 2;
    const flaky = defineConnector({
      manifest: {
        name: 'flaky',
        version: '1.0.0',
        sdk: '^1.0.0',
        title: 'Flaky',
        description: 'fails mid-way',
        auth: { type: 'none' },
        config: z.object({}),
        checkpoint: z.object({ n: z.number() }),
        streams: ['s'],
      },
      check: async () => ({ ok: true, message: 'ok' }),
      async *read(ctx) {
        for (let n = (ctx.checkpoint?.n ?? 0) + 1; n <= 5; n++) {
          if (n > failAfter) throw new TributaryError('auth_invalid', 'token revoked');
          yield { items: [{ externalId: `i${n}`, stream: 's', content: `item ${n}` }], checkpoint: { n } };
        }
      },
    });
    const engine = await setup([flaky]);
    const source = await engine.sources.add({ connector: 'flaky', name: 'f' });
    await expect(engine.sync(source.id)).rejects.toMatchObject({ code: 'auth_invalid' });
    const failed = await engine.sources.get(source.id);
    expect(failed.status).toBe('error');
    expect(failed.errorMessage).toContain('token revoked');
    expect(failed.lastSyncPosition).toEqual({ n: 2 });
    const runs = await engine.runs({ sourceId: source.id });
    expect(runs[0]).toMatchObject({ status: 'failed', errorCode: 'auth_invalid', created: 2 });
    failAfter = 99;
    const ok = await engine.sync(source.id);
    expect(ok).toMatchObject({ status: 'succeeded', created: 3 });
    expect((await engine.sources.get(source.id)).status).toBe('active');
  });

  it('retryable failures retry from the last checkpoint within the run', async () => {
    let failures = 1;
    const transient = defineConnector({
      manifest: {
        name: 'transient',
        version: '1.0.0',
        sdk: '^1.0.0',
        title: 'T',
        description: 'once unavailable',
        auth: { type: 'none' },
        config: z.object({}),
        checkpoint: z.object({ n: z.number() }),
        streams: ['s'],
      },
      check: async () => ({ ok: true, message: 'ok' }),
      async *read(ctx) {
        for (let n = (ctx.checkpoint?.n ?? 0) + 1; n <= 4; n++) {
          if (n === 3 && failures-- > 0) throw new TributaryError('upstream_unavailable', '503', { retryAfterMs: 1 });
          yield { items: [{ externalId: `i${n}`, stream: 's', content: `item ${n}` }], checkpoint: { n } };
        }
      },
    });
    const engine = await setup([transient]);
    const source = await engine.sources.add({ connector: 'transient', name: 't' });
    const run = await engine.sync(source.id);
    expect(run).toMatchObject({ status: 'succeeded', created: 4 });
  });

  it('a checkpoint of the wrong shape triggers a clean full re-sync, not a crash', async () => {
    const engine = await setup();
    const source = await engine.sources.add({ connector: 'synthetic', name: 'chat', config: { count: 40 } });
    await engine.sync(source.id);
    await engine.store.setCheckpoint(source.id, { cursor: 'from-another-version' });
    const run = await engine.sync(source.id);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'full_refresh', unchanged: 40, created: 0 });
    expect(await engine.store.getCheckpoint(source.id)).toMatchObject({ position: 40 });
  });

  it('pause is immediate: committed pages stay, the run is aborted, resume continues', async () => {
    const engine = await setup();
    const source = await engine.sources.add({
      connector: 'synthetic',
      name: 'chat',
      config: { count: 10_000, pageSize: 100 },
    });
    const controller = new AbortController();
    const run = await engine.sync(source.id, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.pages === 3) controller.abort();
      },
    });
    expect(run.status).toBe('aborted');
    const count = await engine.store.countMemories({ sourceId: source.id });
    expect(count).toBe(300);
    expect(await engine.store.getCheckpoint(source.id)).toMatchObject({ position: 300 });
    const rest = await engine.sync(source.id);
    expect(rest).toMatchObject({ status: 'succeeded', created: 9700 });
  });

  it('one sync per source: a second concurrent sync is refused', async () => {
    const engine = await setup();
    const source = await engine.sources.add({
      connector: 'synthetic',
      name: 'chat',
      config: { count: 3000, pageSize: 100, latencyMs: 5 },
    });
    const first = engine.sync(source.id);
    await new Promise((r) => setTimeout(r, 30));
    await expect(engine.sync(source.id)).rejects.toMatchObject({ code: 'already_running' });
    await expect(first).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('bad input changes nothing: unknown connector, invalid config, unknown feature, paused source', async () => {
    const engine = await setup();
    await expect(engine.sources.add({ connector: 'nope', name: 'x' })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('synthetic'),
    });
    await expect(
      engine.sources.add({ connector: 'synthetic', name: 'x', config: { count: -1 } }),
    ).rejects.toMatchObject({
      code: 'invalid_config',
      issues: [expect.objectContaining({ path: 'config.count' })],
    });
    await expect(
      engine.sources.add({ connector: 'synthetic', name: 'x', features: { bogus: true } }),
    ).rejects.toMatchObject({ code: 'invalid_config' });
    // Names are free text ("Work Slack"), but not empty, padded or multi-line.
    for (const name of ['', ' padded', 'two\nlines', 'x'.repeat(201)]) {
      await expect(engine.sources.add({ connector: 'synthetic', name })).rejects.toMatchObject({
        code: 'invalid_config',
        issues: [expect.objectContaining({ path: 'name' })],
      });
    }
    expect(await engine.sources.list()).toHaveLength(0);
    const s = await engine.sources.add({ connector: 'synthetic', name: 'Work Slack (old) — #eng' });
    expect((await engine.sources.get('Work Slack (old) — #eng')).id).toBe(s.id);
    await expect(engine.sources.update(s.id, { config: { pageSize: 0 } })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    expect((await engine.sources.get(s.id)).config).toEqual({});
    await engine.sources.pause(s.id);
    await expect(engine.sync(s.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('redacts secrets before anything is stored', async () => {
    const engine = await setup();
    const s = await engine.sources.add({ connector: 'synthetic', name: 'push' });
    const token = 'ghp_' + 'a'.repeat(36);
    await engine.ingest(s.id, {
      items: [
        { externalId: 'x', stream: 'messages', content: `my token is ${token} ok`, metadata: { note: `key ${token}` } },
      ],
    });
    const m = await engine.store.getMemoryByExternalId(s.id, 'x');
    expect(m!.content).not.toContain(token);
    expect(m!.content).toContain('[REDACTED]');
    expect(JSON.stringify(m!.metadata)).not.toContain(token);
  });

  it('push ingestion is idempotent and stores the checkpoint with the batch; invalid batches change nothing', async () => {
    const engine = await setup();
    const s = await engine.sources.add({ connector: 'synthetic', name: 'push' });
    const batch = {
      items: [1, 2, 3].map((i) => ({ externalId: `p${i}`, stream: 'messages', content: `pushed ${i}` })),
      checkpoint: { position: 3, changes: '' },
    };
    expect(await engine.ingest(s.id, batch)).toMatchObject({ processed: 3, created: 3, checkpoint: { position: 3 } });
    expect(await engine.ingest(s.id, batch)).toMatchObject({ processed: 3, created: 0, unchanged: 3 });
    await expect(
      engine.ingest(s.id, {
        items: [
          { externalId: 'p9', stream: 'messages', content: 'ok' },
          { externalId: '', stream: 'messages', content: 'bad' } as any,
        ],
        checkpoint: { position: 9, changes: '' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(engine.ingest(s.id, { items: [], checkpoint: { wrong: true } as any })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(await engine.store.countMemories({ sourceId: s.id })).toBe(3);
    expect(await engine.store.getCheckpoint(s.id)).toMatchObject({ position: 3 });
  });
});
