import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgLeaderElector } from './leader-postgres.js';
import { createRedisLeaderElector } from './leader-redis.js';
import type { LeaderElector } from './leader.js';

const REDIS_URL = process.env.TRIBUTARY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Resolves when `elector` reports leadership through its onChange. */
function leadership() {
  let resolve!: () => void;
  const became = new Promise<void>((r) => (resolve = r));
  return { became, onChange: (leader: boolean) => leader && resolve() };
}

/** Samples both electors while a scenario runs: two leaders at once is the one thing that must never happen. */
function watchOverlap(a: LeaderElector, b: LeaderElector) {
  let overlap = false;
  const timer = setInterval(() => {
    if (a.isLeader() && b.isLeader()) overlap = true;
  }, 10);
  return () => {
    clearInterval(timer);
    return overlap;
  };
}

describe('leader election', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('redis: one leader; when it dies (stops renewing) the other takes over after its lease', async () => {
    const key = `test:${randomUUID()}:leader`;
    const ra = new Redis(REDIS_URL);
    const rb = new Redis(REDIS_URL);
    cleanups.push(
      () => ra.quit(),
      () => rb.quit(),
      () => rb.del(key),
    );
    // Room for a loaded CI machine: a stall longer than the lease (renewals late) would hand b the lease early.
    const ttlMs = 2000;
    const la = leadership();
    const lb = leadership();
    const a = createRedisLeaderElector({ redis: ra, key, ttlMs, renewMs: 100, id: 'a', onChange: la.onChange });
    const b = createRedisLeaderElector({ redis: rb, key, ttlMs, renewMs: 100, id: 'b', onChange: lb.onChange });
    await a.start();
    await b.start();
    const overlap = watchOverlap(a, b);
    cleanups.push(() => b.stop());
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);

    // Several renew rounds pass: leadership is stable.
    await new Promise((r) => setTimeout(r, 350));
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect(await rb.get(key)).toBe('a');

    await a.stop({ release: false });
    // The dead leader's lease is still in Redis (nobody deleted it): only its expiry lets b in.
    expect(await rb.get(key)).toBe('a');
    await lb.became;
    expect(b.isLeader()).toBe(true);
    expect(await rb.get(key)).toBe('b');
    expect(overlap()).toBe(false);
  });

  it('redis: a leader that stops cleanly hands over at once', async () => {
    const key = `test:${randomUUID()}:leader`;
    const ra = new Redis(REDIS_URL);
    const rb = new Redis(REDIS_URL);
    cleanups.push(
      () => ra.quit(),
      () => rb.quit(),
      () => rb.del(key),
    );
    const lb = leadership();
    const a = createRedisLeaderElector({ redis: ra, key, ttlMs: 60_000, renewMs: 50, id: 'a' });
    const b = createRedisLeaderElector({ redis: rb, key, ttlMs: 60_000, renewMs: 50, id: 'b', onChange: lb.onChange });
    await a.start();
    await b.start();
    cleanups.push(() => b.stop());
    await a.stop();
    // With a 60 s TTL, only the release explains a takeover now.
    await lb.became;
    expect(b.isLeader()).toBe(true);
  });

  it('postgres: an advisory lock on a dedicated session; a dead session frees it for the other', async () => {
    const lockKey = BigInt(Math.floor(Math.random() * 2 ** 40));
    const la = leadership();
    const lb = leadership();
    const a = createPgLeaderElector({
      connectionString: PG_URL,
      lockKey,
      retryMs: 100,
      id: 'a',
      onChange: la.onChange,
    });
    const b = createPgLeaderElector({
      connectionString: PG_URL,
      lockKey,
      retryMs: 100,
      id: 'b',
      onChange: lb.onChange,
    });
    await a.start();
    await b.start();
    cleanups.push(() => b.stop());
    const overlap = watchOverlap(a, b);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    await new Promise((r) => setTimeout(r, 300));
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    // The session ends without unlocking, as when the process is killed.
    await a.stop({ release: false });
    await lb.became;
    expect(b.isLeader()).toBe(true);
    expect(overlap()).toBe(false);
  });
});
