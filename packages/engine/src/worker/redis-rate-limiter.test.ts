import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteRedisPrefix } from '../queue/redis-queue.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';

const REDIS_URL = process.env.TRIBUTARY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('redis rate limiter', () => {
  const prefix = `test:${randomUUID()}:`;
  const clients: Redis[] = [];
  const client = (): Redis => {
    const r = new Redis(REDIS_URL);
    clients.push(r);
    return r;
  };
  afterEach(async () => {
    await deleteRedisPrefix(clients[0]!, prefix);
    for (const c of clients.splice(0)) await c.quit();
  });

  it('three workers sharing one account never exceed the budget together', async () => {
    const spec = { requests: 20, perSeconds: 1, burst: 5 };
    const grants: number[] = [];
    const workers = [0, 1, 2].map(() =>
      createRedisRateLimiter({ redis: client(), account: 'slack:T1', spec, prefix, onGrant: (t) => grants.push(t) }),
    );
    const perWorker = 12;
    const waited = await Promise.all(
      workers.map(async (limiter) => {
        let total = 0;
        for (let i = 0; i < perWorker; i++) total += await limiter.acquire();
        return total;
      }),
    );
    expect(grants).toHaveLength(36);
    // Every window of grants fits the bucket: at most burst + rate × window (server times, so exact).
    grants.sort((a, b) => a - b);
    const rate = spec.requests / (spec.perSeconds * 1000);
    for (let i = 0; i < grants.length; i++) {
      for (let j = i; j < grants.length; j++) {
        expect(j - i + 1).toBeLessThanOrEqual(spec.burst + rate * (grants[j]! - grants[i]!) + 1e-6);
      }
    }
    // 36 requests on a budget of 5 + 20/s: every worker had to wait.
    for (const w of waited) expect(w).toBeGreaterThan(0);
  });

  it('a pause (429 Retry-After) seen by one worker holds all of them', async () => {
    const spec = { requests: 1000, perSeconds: 1 };
    const grants: number[] = [];
    const a = createRedisRateLimiter({ redis: client(), account: 'github:42', spec, prefix });
    const b = createRedisRateLimiter({
      redis: client(),
      account: 'github:42',
      spec,
      prefix,
      onGrant: (t) => grants.push(t),
    });
    const other = createRedisRateLimiter({ redis: client(), account: 'github:43', spec, prefix });
    const admin = clients[0]!;
    const [sec, micro] = await admin.time();
    const before = Number(sec) * 1000 + Number(micro) / 1000;
    await a.pause(300);
    const waited = await b.acquire();
    expect(waited).toBeGreaterThan(0);
    // b, which never saw the 429, was granted only after the pause a set (server times).
    expect(grants[0]!).toBeGreaterThanOrEqual(before + 300);
    // Another account is not affected.
    expect(await other.acquire()).toBe(0);
    await expect(b.acquire(5000)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('acquire gives up when its signal aborts', async () => {
    const limiter = createRedisRateLimiter({
      redis: client(),
      account: 'x',
      spec: { requests: 1, perSeconds: 60 },
      prefix,
    });
    await limiter.acquire();
    const controller = new AbortController();
    const pending = limiter.acquire(1, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
