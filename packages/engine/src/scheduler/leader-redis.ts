import type { Redis } from 'ioredis';
import { silentLogger, systemClock, type Clock, type Logger } from '@tributary/sdk';
import { defaultConsumerName } from '../worker/consumer-name.js';
import type { LeaderElector, LeadershipListener } from './leader.js';

// Renew only our own lease: another process may hold the key after ours expired.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface RedisLeaderOptions {
  redis: Redis;
  /** @default 'tributary:scheduler:leader' */
  key?: string;
  /** Lease length. @default 15000 */
  ttlMs?: number;
  /** How often the leader renews and followers try. @default ttlMs / 3 */
  renewMs?: number;
  id?: string;
  clock?: Clock;
  logger?: Logger;
  onChange?: LeadershipListener;
}

/**
 * Redis leader election: `SET key id NX PX ttl` to take the lease, a Lua compare-and-pexpire to renew it. A leader
 * that cannot renew stops trusting its lease `ttl` after its last successful renewal, by its own clock, before
 * anyone else can take it over.
 */
export function createRedisLeaderElector(options: RedisLeaderOptions): LeaderElector {
  const { redis } = options;
  const key = options.key ?? 'tributary:scheduler:leader';
  const ttlMs = options.ttlMs ?? 15_000;
  const renewMs = options.renewMs ?? Math.max(1, Math.floor(ttlMs / 3));
  const id = options.id ?? defaultConsumerName();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  let leader = false;
  let trustedUntil = 0;
  const stopper = new AbortController();
  let loop: Promise<void> | null = null;

  const setLeader = (value: boolean): void => {
    if (value === leader) return;
    leader = value;
    logger.info(value ? 'became scheduler leader' : 'lost scheduler leadership', { id });
    options.onChange?.(value);
  };

  const attempt = async (): Promise<void> => {
    const startedAt = clock.now();
    try {
      const ok = leader
        ? (await redis.eval(RENEW, 1, key, id, String(ttlMs))) === 1
        : (await redis.set(key, id, 'PX', ttlMs, 'NX')) === 'OK';
      if (ok) trustedUntil = startedAt + ttlMs;
      setLeader(ok);
    } catch (err) {
      logger.warn('leader election round failed', { error: String(err) });
      if (clock.now() >= trustedUntil) setLeader(false);
    }
  };

  return {
    id,
    async start() {
      if (loop) return;
      await attempt();
      loop = (async () => {
        while (!stopper.signal.aborted) {
          await clock.sleep(renewMs, stopper.signal).catch(() => undefined);
          if (!stopper.signal.aborted) await attempt();
        }
      })();
    },
    async stop({ release = true } = {}) {
      stopper.abort();
      await loop;
      if (release && leader) await redis.eval(RELEASE, 1, key, id).catch(() => undefined);
      setLeader(false);
    },
    isLeader: () => leader && clock.now() < trustedUntil,
  };
}
