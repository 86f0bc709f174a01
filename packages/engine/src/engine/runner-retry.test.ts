import { afterEach, describe, expect, it } from 'vitest';
import { defineConnector, TributaryError, z, type SyncMode } from '@tributary/sdk';
import { createTestEngine } from './test-support/harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Items i1..i{count}, one per page; fails once (retryably) before item `failAt`. Records what each read got. */
function scripted() {
  const upstream = { count: 6, failAt: 0, failures: 0 };
  const reads: Array<{ checkpoint: { n: number } | undefined; mode: SyncMode }> = [];
  const connector = defineConnector({
    manifest: {
      name: 'scripted',
      version: '1.0.0',
      sdk: '^1.0.0',
      title: 'Scripted',
      description: 'fails where told',
      auth: { type: 'none' },
      config: z.object({}),
      checkpoint: z.object({ n: z.number() }),
      streams: ['s'],
    },
    check: async () => ({ ok: true, message: 'ok' }),
    async *read(ctx) {
      reads.push({ checkpoint: ctx.checkpoint, mode: ctx.mode });
      for (let n = (ctx.checkpoint?.n ?? 0) + 1; n <= upstream.count; n++) {
        if (n === upstream.failAt && upstream.failures-- > 0)
          throw new TributaryError('upstream_unavailable', 'connection reset mid-read');
        yield { items: [{ externalId: `i${n}`, stream: 's', content: `item ${n}` }], checkpoint: { n } };
      }
    },
  });
  return { connector, upstream, reads };
}

async function setup() {
  const s = scripted();
  const t = await createTestEngine([s.connector], { clock: { now: () => Date.now(), sleep: async () => undefined } });
  cleanups.push(t.cleanup);
  const source = await t.engine.sources.add({ connector: 'scripted', name: 'scripted' });
  expect(await t.engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 6 });
  s.reads.length = 0;
  return { ...s, engine: t.engine, source };
}

describe('runner retries follow the run plan', () => {
  it('a retried full refresh resumes from the checkpoint it committed and still tombstones the unseen', async () => {
    const { engine, source, upstream, reads } = await setup();
    Object.assign(upstream, { count: 5, failAt: 4, failures: 1 });
    const run = await engine.sync(source.id, { mode: 'full_refresh' });
    expect(reads).toEqual([
      { checkpoint: undefined, mode: 'full_refresh' },
      { checkpoint: { n: 3 }, mode: 'full_refresh' },
    ]);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'full_refresh', unchanged: 5, deleted: 1, created: 0 });
    expect(await engine.store.countMemories({ sourceId: source.id })).toBe(5);
    expect((await engine.store.getMemoryByExternalId(source.id, 'i6'))?.deletedAt).toBeTruthy();
  });

  it('a full refresh that failed before committing anything starts over, not from the pre-run checkpoint', async () => {
    const { engine, source, upstream, reads } = await setup();
    Object.assign(upstream, { count: 5, failAt: 1, failures: 1 });
    const run = await engine.sync(source.id, { mode: 'full_refresh' });
    expect(reads.map((r) => r.checkpoint)).toEqual([undefined, undefined]);
    expect(run).toMatchObject({ status: 'succeeded', unchanged: 5, deleted: 1 });
  });

  it('a clean re-sync after a bad checkpoint stays a full refresh on its retry and tombstones the unseen', async () => {
    const { engine, source, upstream, reads } = await setup();
    await engine.store.setCheckpoint(source.id, { cursor: 'from-another-version' });
    Object.assign(upstream, { count: 5, failAt: 4, failures: 1 });
    const run = await engine.sync(source.id);
    expect(reads).toEqual([
      { checkpoint: undefined, mode: 'full_refresh' },
      { checkpoint: { n: 3 }, mode: 'full_refresh' },
    ]);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'full_refresh', unchanged: 5, deleted: 1 });
    expect(await engine.store.countMemories({ sourceId: source.id })).toBe(5);
    expect(await engine.store.getCheckpoint(source.id)).toEqual({ n: 5 });
  });
});
