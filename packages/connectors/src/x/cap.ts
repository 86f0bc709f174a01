/**
 * The monthly post-read cap. X counts every post its API returns against the plan's monthly cap (the Posts usage
 * in the developer portal), resetting on the plan's billing day. The connector keeps its own count in the
 * checkpoint, per period, and stops before a request that could go over it.
 */

/** X's smallest page (max_results 5): with fewer posts left, no request fits under the cap. */
export const MIN_PAGE = 5;

/** The cap period containing `ms`: its start (YYYY-MM-DD, UTC) and when the next one begins. */
export function capPeriod(ms: number, resetDay: number): { period: string; resetsAt: Date } {
  const d = new Date(ms);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  if (d.getUTCDate() < resetDay) m -= 1;
  if (m < 0) {
    m = 11;
    y -= 1;
  }
  const start = new Date(Date.UTC(y, m, resetDay));
  const next = new Date(Date.UTC(y, m + 1, resetDay));
  return { period: start.toISOString().slice(0, 10), resetsAt: next };
}

export class PostCap {
  readonly period: string;
  readonly resetsAt: Date;
  used: number;

  constructor(
    now: number,
    resetDay: number,
    readonly cap: number,
    stored: { period?: string | undefined; postsRead?: number | undefined },
  ) {
    const p = capPeriod(now, resetDay);
    this.period = p.period;
    this.resetsAt = p.resetsAt;
    this.used = stored.period === p.period ? (stored.postsRead ?? 0) : 0;
  }

  /** max_results for the next request (at most `pageSize`), or 0 when no request fits. */
  allowance(pageSize: number): number {
    const left = this.cap - this.used;
    return left < MIN_PAGE ? 0 : Math.min(pageSize, left);
  }

  message(): string {
    return (
      `X monthly post cap reached: ${this.used} of ${this.cap} posts read this period (since ${this.period}); ` +
      `the sync resumes where it stopped after the reset at ${this.resetsAt.toISOString()}`
    );
  }
}
