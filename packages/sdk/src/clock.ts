/** Time as the engine and connectors see it; tests inject a fake one so nothing sleeps on the wall clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error(typeof reason === 'string' ? reason : 'The operation was aborted.');
  err.name = 'AbortError';
  return err;
}

/**
 * A manual clock for tests: `sleep` resolves when `advance` moves time past its deadline.
 * @example const clock = createManualClock(); const p = clock.sleep(1000); clock.advance(1000); await p;
 */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
  /** Number of sleeps waiting, so a test can wait until the code under test is parked. */
  pending(): number;
}

export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  const sleepers: Array<{ until: number; resolve: () => void }> = [];
  const wake = (): void => {
    for (let i = sleepers.length - 1; i >= 0; i--) {
      const s = sleepers[i]!;
      if (s.until <= now) {
        sleepers.splice(i, 1);
        s.resolve();
      }
    }
  };
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(abortError(signal));
        const entry = { until: now + Math.max(0, ms), resolve };
        sleepers.push(entry);
        signal?.addEventListener(
          'abort',
          () => {
            const i = sleepers.indexOf(entry);
            if (i >= 0) sleepers.splice(i, 1);
            reject(abortError(signal));
          },
          { once: true },
        );
        wake();
      }),
    advance: (ms) => {
      now += ms;
      wake();
    },
    set: (ms) => {
      now = ms;
      wake();
    },
    pending: () => sleepers.length,
  };
}
