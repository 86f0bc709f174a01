import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '@tributary/sdk';
import { createSqliteQueue } from '../queue/sqlite-queue.js';
import type { JobQueue } from '../queue/types.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { recoverStaleRuns } from './stale-runs.js';

describe('recoverStaleRuns (on the SQLite store, queue in the same file)', () => {
  let dir: string;
  let clock: ManualClock;
  let store: ReturnType<typeof createSqliteStore>;
  let queue: JobQueue;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tributary-stale-'));
    clock = createManualClock();
    store = createSqliteStore({ path: path.join(dir, 'tributary.db'), now: () => new Date(clock.now()) });
    await store.migrate();
    queue = createSqliteQueue({ db: store.db, clock });
  });
  afterEach(async () => {
    await queue.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails runs that stopped heartbeating and re-enqueues their source; live and paused ones are handled apart', async () => {
    const user = (await store.listUsers())[0] ?? (await store.createUser({ name: 'me' }));
    const dead = await store.createSource({ ownerId: user.id, sourceType: 'slack', name: 'dead', config: {} });
    const alive = await store.createSource({ ownerId: user.id, sourceType: 'slack', name: 'alive', config: {} });
    const paused = await store.createSource({ ownerId: user.id, sourceType: 'slack', name: 'paused', config: {} });
    const deadRun = await store.startRun({ sourceId: dead.id, mode: 'full_refresh', trigger: 'schedule' });
    const pausedRun = await store.startRun({ sourceId: paused.id, mode: 'incremental', trigger: 'manual' });
    await store.updateSource(paused.id, { status: 'paused' });
    clock.advance(10 * 60_000);
    const aliveRun = await store.startRun({ sourceId: alive.id, mode: 'incremental', trigger: 'schedule' });
    clock.advance(60_000);
    await store.heartbeatRun(aliveRun.id);

    const recovered = await recoverStaleRuns({ store, queue, clock, staleAfterMs: 5 * 60_000 });
    expect(recovered.map((r) => r.run.id).sort()).toEqual([deadRun.id, pausedRun.id].sort());

    const failed = await store.getRun(deadRun.id);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'timeout' });
    expect(failed?.error).toMatch(/stopped sending heartbeats/);
    expect((await store.getRun(aliveRun.id))?.status).toBe('running');
    expect((await store.getRun(pausedRun.id))?.status).toBe('failed');

    // Only the active source is re-enqueued, as a full refresh like the run it replaces.
    expect(await queue.stats()).toMatchObject({ depth: 1 });
    const job = await queue.reserve('w');
    expect(job?.job).toMatchObject({
      type: 'slack:sync',
      payload: { sourceId: dead.id, userId: user.id, options: { trigger: 'schedule', forceFullSync: true } },
    });

    // Nothing stale is left: a second pass does nothing.
    expect(await recoverStaleRuns({ store, queue, clock, staleAfterMs: 5 * 60_000 })).toEqual([]);
  });
});
