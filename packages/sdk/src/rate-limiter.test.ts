import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';
import { createTokenBucket } from './rate-limiter.js';

/** Lets queued promise callbacks run (the bucket serializes callers through a promise chain). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function track<T>(p: Promise<T>): { settled: () => boolean; value: Promise<T> } {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  return { settled: () => done, value: p };
}

describe('createTokenBucket', () => {
  it('serves the burst at once, then one request per refill interval', async () => {
    const clock = createManualClock();
    const bucket = createTokenBucket({ requests: 2, perSeconds: 1 }, clock);
    expect(await bucket.acquire()).toBe(0);
    expect(await bucket.acquire()).toBe(0);
    const third = track(bucket.acquire());
    await flush();
    expect(third.settled()).toBe(false);
    clock.advance(499);
    await flush();
    expect(third.settled()).toBe(false);
    clock.advance(1);
    expect(await third.value).toBe(500);
  });

  it('keeps the rate for a queue of callers: n requests take (n - burst) intervals', async () => {
    const clock = createManualClock();
    const start = clock.now();
    const bucket = createTokenBucket({ requests: 10, perSeconds: 1, burst: 1 }, clock);
    const grants: number[] = [];
    const all = Array.from({ length: 6 }, () => bucket.acquire().then(() => grants.push(clock.now() - start)));
    for (let i = 0; i < 20 && grants.length < 6; i++) {
      await flush();
      clock.advance(50);
    }
    await Promise.all(all);
    expect(grants[0]).toBe(0);
    // 10 per second: each later grant at least 100 ms after the previous one.
    for (let i = 1; i < grants.length; i++) expect(grants[i]! - grants[i - 1]!).toBeGreaterThanOrEqual(100);
  });

  it('grants a call dearer than the whole bucket once the bucket is full, and the next caller waits out the debt', async () => {
    const clock = createManualClock();
    // 10 units per second, burst 10; a call of 30 units (Gmail's users.watch costs 100 with a burst of 10).
    const bucket = createTokenBucket({ requests: 10, perSeconds: 1, burst: 10 }, clock);
    expect(await bucket.acquire(30)).toBe(0);
    const next = track(bucket.acquire(1));
    await flush();
    expect(next.settled()).toBe(false);
    // 20 units of debt plus the 1 asked for: 2.1 s at 10 per second.
    clock.advance(2_099);
    await flush();
    expect(next.settled()).toBe(false);
    clock.advance(1);
    expect(await next.value).toBe(2_100);
  });

  it('pauseFor makes every caller wait out the pause, even with tokens left', async () => {
    const clock = createManualClock();
    const bucket = createTokenBucket({ requests: 100, perSeconds: 1 }, clock);
    bucket.pauseFor(5000);
    const next = track(bucket.acquire());
    await flush();
    clock.advance(4999);
    await flush();
    expect(next.settled()).toBe(false);
    clock.advance(1);
    expect(await next.value).toBe(5000);
  });

  it('rejects a waiting caller when its signal aborts, without blocking the next one', async () => {
    const clock = createManualClock();
    const bucket = createTokenBucket({ requests: 1, perSeconds: 1 }, clock);
    await bucket.acquire();
    const controller = new AbortController();
    const waiting = bucket.acquire(1, controller.signal);
    await flush();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    const after = bucket.acquire();
    await flush();
    clock.advance(1000);
    expect(await after).toBe(1000);
  });
});
