import { afterEach, describe, expect, it } from 'vitest';
import { defineConnector, TributaryError, z, type SyncMode } from '@tributary/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../store/sqlite/index.js';
import type { MemoryStore } from '../store/types.js';
import { createEngine } from './create-engine.js';
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

describe('a store outage during a run', () => {
  it('is waited out: the read resumes from its checkpoint, the finish is recorded, one succeeded run, exact', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-outage-'));
    const real = createSqliteStore({ path: path.join(dir, 'db') });
    await real.migrate();
    // The database "restarts" twice during page 3 and once when the run is finished.
    const down = new TributaryError('store_unavailable', 'PostgreSQL is unavailable: terminating connection');
    let commitFailures = 2;
    let finishFailures = 1;
    const store: MemoryStore = {
      ...real,
      commitPage: async (input) => {
        if ((input.checkpoint as { n?: number } | undefined)?.n === 3 && commitFailures-- > 0) throw down;
        return real.commitPage(input);
      },
      finishRun: async (id, input) => {
        if (finishFailures-- > 0) throw down;
        return real.finishRun(id, input);
      },
    };
    const s = scripted();
    const slept: number[] = [];
    const engine = createEngine({
      store,
      connectors: [s.connector],
      clock: { now: () => Date.now(), sleep: async (ms) => void slept.push(ms) },
    });
    cleanups.push(async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const source = await engine.sources.add({ connector: 'scripted', name: 'scripted' });
    const run = await engine.sync(source.id);
    expect(run).toMatchObject({ status: 'succeeded', created: 6 });
    expect(s.reads.map((r) => r.checkpoint)).toEqual([undefined, { n: 2 }, { n: 2 }]);
    expect(s.reads.map((r) => r.mode)).toEqual(['backfill', 'backfill', 'backfill']);
    expect(slept).toHaveLength(3); // two read retries, one finish retry
    expect((await engine.runs({ sourceId: source.id })).map((r) => r.status)).toEqual(['succeeded']);
    expect(await real.countMemories({ sourceId: source.id })).toBe(6);
  });
});
