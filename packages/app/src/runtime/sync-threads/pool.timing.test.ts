import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, SyncProgress } from '@tributary/engine';
import { isMainThread } from 'node:worker_threads';
import { synthetic } from '@tributary/connectors';
import { defineConnector, TributaryError, type AnyConnector } from '@tributary/sdk';
import { loadConnectors } from '../connector-modules.js';
import { openRuntime, type Runtime } from '../open-runtime.js';

/** The longest gap between 5 ms ticks of this thread's event loop while `work` runs. */
async function loopLag<T>(work: Promise<T>): Promise<{ result: T; maxGapMs: number }> {
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 5);
  try {
    return { result: await work, maxGapMs };
  } finally {
    clearInterval(timer);
  }
}

describe('syncs in worker threads (real SQLite, connectors loaded by module)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-threads-'));
  const events: EngineEvent[] = [];
  let runtime: Runtime;
  // A connector built in memory (as tests do) cannot be loaded by a thread: it must run inline, on this thread.
  const readOn: boolean[] = [];
  const inMemory = defineConnector({
    ...synthetic,
    manifest: { ...synthetic.manifest, name: 'in-memory' },
    async *read(ctx) {
      readOn.push(isMainThread);
      yield* synthetic.read(ctx);
    },
  }) as AnyConnector;

  beforeAll(async () => {
    runtime = await openRuntime({
      dataDir: dir,
      env: { TRIBUTARY_SECRET_KEY: 'a'.repeat(64) },
      connectors: [...(await loadConnectors()), inMemory],
      onEvent: (e) => events.push(e),
    });
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the sync off this thread: the loop keeps turning, progress and events come back, the run is exact', async () => {
    const source = await runtime.engine.sources.add({
      connector: 'synthetic',
      name: 'big',
      config: { count: 20_000, pageSize: 500 },
    });
    const progress: SyncProgress[] = [];
    const { result: run, maxGapMs } = await loopLag(
      runtime.engine.sync(source.id, { onProgress: (p) => progress.push(p) }),
    );
    expect(run).toMatchObject({ status: 'succeeded', sourceId: source.id, itemsSeen: 20_000, created: 20_000 });
    expect(await runtime.store.countMemories({ sourceId: source.id })).toBe(20_000);
    expect(progress.at(-1)!.runId).toBe(run.id);
    expect(progress.filter((p) => p.phase === 'reading').length).toBeGreaterThan(20);
    expect(events.filter((e) => e.type === 'page_committed' && e.sourceId === source.id)).toHaveLength(40);
    expect(events.some((e) => e.type === 'run_finished' && e.run.id === run.id)).toBe(true);
    // Inline, this thread would be blocked for the whole write of each page; in a thread it stays responsive.
    expect(maxGapMs).toBeLessThan(150);
  });

  it('an abort (pause) stops the run at the next page, commits what is done, and a second sync ends exact', async () => {
    const source = await runtime.engine.sources.add({
      connector: 'synthetic',
      name: 'paused-midway',
      config: { count: 30_000, pageSize: 500 },
    });
    const controller = new AbortController();
    const run = await runtime.engine.sync(source.id, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.created >= 5000) controller.abort(new TributaryError('aborted', 'Source paused.'));
      },
    });
    expect(run.status).toBe('aborted');
    const kept = await runtime.store.countMemories({ sourceId: source.id });
    expect(kept).toBeGreaterThanOrEqual(5000);
    expect(kept).toBeLessThan(30_000);
    expect(kept % 500).toBe(0); // whole pages only
    const again = await runtime.engine.sync(source.id);
    expect(again).toMatchObject({ status: 'succeeded', created: 30_000 - kept });
    expect(await runtime.store.countMemories({ sourceId: source.id })).toBe(30_000);
  });

  it('errors cross the thread with their code; connectors built in memory run inline', async () => {
    const source = await runtime.engine.sources.add({ connector: 'synthetic', name: 'leased', config: { count: 10 } });
    await runtime.store.acquireLease(`sync:${source.id}`, `elsewhere:1:x`, 30_000);
    const err = await runtime.engine.sync(source.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TributaryError);
    expect(err).toMatchObject({ code: 'already_running', retryable: true });
    await runtime.store.releaseLease(`sync:${source.id}`, `elsewhere:1:x`);

    const local = await runtime.engine.sources.add({ connector: 'in-memory', name: 'local', config: { count: 10 } });
    expect(await runtime.engine.sync(local.id)).toMatchObject({ status: 'succeeded', created: 10 });
    expect(readOn).toEqual([true]);
  });
});
