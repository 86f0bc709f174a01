import { readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * CPU seconds of this process plus the PostgreSQL backends serving a pool, for ratios that mean something on a
 * shared machine (wall time there mostly measures waiting for a core). Backends are read from /proc, so they count
 * only when PostgreSQL runs on this machine (else `pgSeconds` stays 0 and `local` is false).
 */
export function pgCpuMeter(pool: pg.Pool): {
  start(): void;
  stop(): { nodeSeconds: number; pgSeconds: number; local: boolean };
} {
  const backends = new Set<number>();
  // pg sets processID from the server's BackendKeyData: the backend's pid, without a query.
  pool.on('connect', (client) => {
    const pid = (client as unknown as { processID?: number }).processID;
    if (pid) backends.add(pid);
  });
  const ticks = (): { sum: number; local: boolean } => {
    let sum = 0;
    let local = false;
    for (const pid of backends) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        sum += Number(f[11]) + Number(f[12]); // utime + stime, clock ticks (USER_HZ = 100)
        local = true;
      } catch {
        // not on this machine, or the backend has exited (its CPU is lost: pools here keep their clients)
      }
    }
    return { sum, local };
  };
  let node0 = process.cpuUsage();
  let pg0 = 0;
  return {
    start() {
      node0 = process.cpuUsage();
      pg0 = ticks().sum;
    },
    stop() {
      const n = process.cpuUsage(node0);
      const t = ticks();
      return { nodeSeconds: (n.user + n.system) / 1e6, pgSeconds: (t.sum - pg0) / 100, local: t.local };
    },
  };
}
