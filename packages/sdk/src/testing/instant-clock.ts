import type { Clock } from '../clock.js';

/** A {@link Clock} whose sleeps return at once, for connector tests of back-off and Retry-After. */
export interface InstantClock extends Clock {
  /** Every sleep asked for, in order (ms), so a test can assert the wait a 429 or a retry asked for. */
  slept: number[];
  /** Moves time forward without a sleep (e.g. past a token's or a cursor's expiry). */
  advance(ms: number): void;
}

/**
 * A clock whose `sleep` advances time by the requested amount and resolves at once, recording it. Unlike
 * `createManualClock`, nothing waits for the test to advance time: a read that backs off simply goes on.
 * @example const clock = createInstantClock(); ...; expect(clock.slept).toEqual([2000]);
 */
export function createInstantClock(start = Date.UTC(2026, 0, 2)): InstantClock {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
