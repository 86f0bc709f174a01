import os from 'node:os';
import { silentLogger, systemClock, type Clock, type Logger } from '@tributary/sdk';
import type { MemoryStore, RunRecord } from '../store/types.js';

export interface AbortDeadRunsOptions {
  store: Pick<MemoryStore, 'listRuns' | 'getLease' | 'finishRun' | 'releaseLease'>;
  clock?: Clock;
  logger?: Logger;
  /** This machine's name: lease holders on it are checked by process id. @default os.hostname() */
  hostname?: string;
  /** Whether a process id is alive on this machine. @default `process.kill(pid, 0)` */
  isAlive?: (pid: number) => boolean;
  /** A push run (no lease) still `running` after this long is dead. @default 120000 */
  pushRunMaxMs?: number;
}

/** The holder of a sync lease, as the runner writes it: `<hostname>:<pid>:<uuid>`. */
export function parseHolder(holder: string): { host: string; pid: number } | null {
  const m = /^(.*):(\d+):[^:]+$/.exec(holder);
  return m ? { host: m[1]!, pid: Number(m[2]) } : null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs left `running` by a process that died (kill -9, SIGHUP, a crash, a lost machine) are found at the next start
 * of any process and marked `aborted` with the reason "process died"; their lease is released so the next sync starts
 * at once and resumes from the last committed checkpoint. A run is dead when its source's sync lease is gone or
 * expired, when the lease's holder is a process of this machine that no longer exists, or when a newer run of the
 * same source holds the lease (one sync per source). Live runs, on this machine or another, are left alone.
 */
export async function abortDeadRuns(options: AbortDeadRunsOptions): Promise<RunRecord[]> {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const host = options.hostname ?? os.hostname();
  const isAlive = options.isAlive ?? pidAlive;
  const running = await store.listRuns({ status: 'running', limit: 1000 });
  const bySource = new Map<string, RunRecord[]>();
  for (const run of running) bySource.set(run.sourceId, [...(bySource.get(run.sourceId) ?? []), run]);

  const aborted: RunRecord[] = [];
  const abort = async (run: RunRecord, why: string): Promise<void> => {
    const done = await store.finishRun(run.id, {
      status: 'aborted',
      errorCode: 'aborted',
      error: `process died: ${why}; committed work is kept and the next sync resumes from the last checkpoint`,
    });
    logger.warn('marked a sync run of a dead process aborted', { runId: run.id, sourceId: run.sourceId, why });
    aborted.push(done);
  };

  for (const [sourceId, runs] of bySource) {
    const pulls = runs.filter((r) => r.trigger !== 'push');
    // Push runs take no lease; one request is short, so a push run this old lost its process.
    for (const run of runs.filter((r) => r.trigger === 'push')) {
      const last = Date.parse(run.heartbeatAt ?? run.startedAt);
      if (clock.now() - last > (options.pushRunMaxMs ?? 120_000)) await abort(run, 'the ingest request never finished');
    }
    if (pulls.length === 0) continue;
    // Newest first (listRuns order): only the newest can be the lease's holder.
    const [newest, ...older] = pulls;
    for (const run of older) await abort(run, 'a newer run of this source started after it');
    const key = `sync:${sourceId}`;
    const lease = await store.getLease(key);
    if (!lease) {
      await abort(newest!, 'its sync lease is gone');
      continue;
    }
    if (lease.expiresAt <= clock.now()) {
      await abort(newest!, 'its process stopped renewing the sync lease');
      await store.releaseLease(key, lease.holder);
      continue;
    }
    const owner = parseHolder(lease.holder);
    if (owner && owner.host === host && !isAlive(owner.pid)) {
      await abort(newest!, `process ${owner.pid} on ${host} is gone`);
      await store.releaseLease(key, lease.holder);
    }
  }
  return aborted;
}
