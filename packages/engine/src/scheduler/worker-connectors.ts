import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { silentLogger, systemClock, type Clock, type Logger } from '@tributary/sdk';

/**
 * Which connectors the live workers have (distributed mode: each worker host loads its own plugins). Workers
 * advertise theirs with a heartbeat; the scheduler routes no job to a connector no live worker has.
 */
export interface WorkerConnectorRegistry {
  /** Records (or refreshes) a worker's connectors until `ttlMs` from now. */
  advertise(workerId: string, connectors: string[], ttlMs: number): Promise<void>;
  /** A stopping worker withdraws at once (else its entry lapses after its TTL). */
  withdraw(workerId: string): Promise<void>;
  /** The union of the live workers' connectors; null when no worker is live (nothing to judge by: route as before). */
  liveConnectors(): Promise<Set<string> | null>;
}

interface Entry {
  connectors: string[];
  expiresAt: number;
  host?: string;
}

/** The registry in one Redis hash, `<prefix>workers`: field = worker id, value = its connectors and expiry. */
export function createRedisWorkerRegistry(options: {
  redis: Redis;
  prefix: string;
  clock?: Clock;
}): WorkerConnectorRegistry {
  const { redis } = options;
  const clock = options.clock ?? systemClock;
  const key = `${options.prefix}workers`;
  return {
    async advertise(workerId, connectors, ttlMs) {
      const entry: Entry = { connectors: [...connectors].sort(), expiresAt: clock.now() + ttlMs, host: os.hostname() };
      await redis.hset(key, workerId, JSON.stringify(entry));
    },
    async withdraw(workerId) {
      await redis.hdel(key, workerId);
    },
    async liveConnectors() {
      const all = await redis.hgetall(key);
      const now = clock.now();
      const live = new Set<string>();
      let workers = 0;
      const expired: string[] = [];
      for (const [id, raw] of Object.entries(all)) {
        let entry: Entry | undefined;
        try {
          entry = JSON.parse(raw) as Entry;
        } catch {
          entry = undefined;
        }
        if (!entry || !(entry.expiresAt > now) || !Array.isArray(entry.connectors)) {
          expired.push(id);
          continue;
        }
        workers++;
        for (const c of entry.connectors) live.add(c);
      }
      // Dead workers' entries are swept by whoever reads (a worker killed with -9 never withdraws).
      if (expired.length) await redis.hdel(key, ...expired).catch(() => undefined);
      return workers === 0 ? null : live;
    },
  };
}

export interface WorkerAdvertiser {
  readonly workerId: string;
  /** Withdraws the worker (idempotent). */
  stop(): Promise<void>;
}

/**
 * Advertises this worker's connectors now and every `intervalMs`, each entry living `3 × intervalMs` (two missed
 * heartbeats are tolerated). A failed heartbeat is logged; the next one tries again.
 */
export function startWorkerAdvertiser(
  registry: WorkerConnectorRegistry,
  connectors: () => string[],
  options: { intervalMs?: number; workerId?: string; logger?: Logger } = {},
): WorkerAdvertiser {
  const intervalMs = options.intervalMs ?? 10_000;
  const workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = options.logger ?? silentLogger;
  let stopped = false;
  let inflight: Promise<void> = Promise.resolve();
  const beat = (): void => {
    if (stopped) return;
    inflight = registry.advertise(workerId, connectors(), 3 * intervalMs).catch((err: unknown) => {
      logger.warn('worker heartbeat (connectors) failed', { error: (err as Error).message });
    });
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return {
    workerId,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await inflight; // a heartbeat landing after the withdrawal would advertise a stopped worker
      await registry.withdraw(workerId).catch(() => undefined);
    },
  };
}
