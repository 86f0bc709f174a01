import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite/index.js';
import { abortDeadRuns, parseHolder } from './dead-runs.js';

/** A process id that surely belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('abortDeadRuns (SQLite store)', () => {
  let dir: string;
  let store: ReturnType<typeof createSqliteStore>;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tributary-dead-runs-'));
    store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const source = async (name: string) => {
    const user = (await store.listUsers())[0]!;
    return store.createSource({ ownerId: user.id, sourceType: 'synthetic', name, config: {} });
  };

  it('parses the runner’s lease holder', () => {
    expect(parseHolder('host-a:1234:0f1e2d3c-aaaa-bbbb-cccc-111122223333')).toEqual({ host: 'host-a', pid: 1234 });
    expect(parseHolder('a:b:c:42:x')).toEqual({ host: 'a:b:c', pid: 42 });
    expect(parseHolder('nonsense')).toBeNull();
  });

  it('aborts runs of dead processes at once (gone pid, expired or missing lease, superseded) and leaves live ones', async () => {
    const host = os.hostname();
    const killed = await source('killed');
    const expired = await source('expired');
    const released = await source('released');
    const live = await source('live');
    const remote = await source('remote');
    const superseded = await source('superseded');

    const killedRun = await store.startRun({ sourceId: killed.id, mode: 'backfill', trigger: 'manual' });
    await store.acquireLease(`sync:${killed.id}`, `${host}:${deadPid()}:u1`, 60_000);
    const expiredRun = await store.startRun({ sourceId: expired.id, mode: 'incremental', trigger: 'schedule' });
    await store.acquireLease(`sync:${expired.id}`, `elsewhere:1:u2`, 1);
    const releasedRun = await store.startRun({ sourceId: released.id, mode: 'incremental', trigger: 'api' });
    const liveRun = await store.startRun({ sourceId: live.id, mode: 'incremental', trigger: 'manual' });
    await store.acquireLease(`sync:${live.id}`, `${host}:${process.pid}:u3`, 60_000);
    const remoteRun = await store.startRun({ sourceId: remote.id, mode: 'incremental', trigger: 'manual' });
    await store.acquireLease(`sync:${remote.id}`, `other-machine:${deadPid()}:u4`, 60_000);
    const oldRun = await store.startRun({ sourceId: superseded.id, mode: 'incremental', trigger: 'manual' });
    await new Promise((r) => setTimeout(r, 5));
    const newRun = await store.startRun({ sourceId: superseded.id, mode: 'incremental', trigger: 'manual' });
    await store.acquireLease(`sync:${superseded.id}`, `${host}:${process.pid}:u5`, 60_000);
    await new Promise((r) => setTimeout(r, 5));

    const aborted = await abortDeadRuns({ store });
    expect(aborted.map((r) => r.id).sort()).toEqual([killedRun.id, expiredRun.id, releasedRun.id, oldRun.id].sort());
    for (const run of aborted) {
      expect(run.status).toBe('aborted');
      expect(run.error).toMatch(/^process died: /);
      expect(run.finishedAt).not.toBeNull();
    }
    expect((await store.getRun(liveRun.id))!.status).toBe('running');
    expect((await store.getRun(remoteRun.id))!.status).toBe('running'); // another machine: its lease decides
    expect((await store.getRun(newRun.id))!.status).toBe('running');
    // The dead holder's lease is released: the next sync of that source starts at once.
    expect(await store.getLease(`sync:${killed.id}`)).toBeNull();
    expect(await store.acquireLease(`sync:${killed.id}`, `${host}:${process.pid}:next`, 60_000)).toBe(true);
    // A second start finds nothing more to do.
    expect(await abortDeadRuns({ store })).toEqual([]);
  });
});
