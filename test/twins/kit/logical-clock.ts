/**
 * A twin's notion of "now": starts at a fixed instant and moves forward only when the twin records a change, so
 * timestamps are deterministic across runs and strictly increasing (Slack `ts`, GitHub `updated_at`).
 */
export interface LogicalClock {
  /** Current time in milliseconds since the epoch. */
  now(): number;
  /** Moves time forward by `ms` (at least 1) and returns the new time. */
  tick(ms?: number): number;
}

/** @param start first instant, in milliseconds. @default 2026-01-01T00:00:00Z */
export function createLogicalClock(start = Date.UTC(2026, 0, 1)): LogicalClock {
  let now = start;
  return {
    now: () => now,
    tick: (ms = 1000) => (now += Math.max(1, ms)),
  };
}
