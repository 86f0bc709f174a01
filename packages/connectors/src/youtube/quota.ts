/**
 * Data API quota costs per call (https://developers.google.com/youtube/v3/determine_quota_cost): every `list` is 1
 * unit, `search.list` 100, `captions.list` 50, `captions.download` 200. Projects get 10,000 units a day by default;
 * the count resets at midnight Pacific time.
 */
export const QUOTA_COST = {
  'channels.list': 1,
  'playlistItems.list': 1,
  'videos.list': 1,
  'search.list': 100,
  'captions.list': 50,
  'captions.download': 200,
} as const;
export type QuotaMethod = keyof typeof QUOTA_COST;

/** Thrown (and caught by the read) when a call would go over the day's budget. */
export class QuotaStop extends Error {
  constructor(
    readonly used: number,
    readonly budget: number,
    readonly resetsAt: Date,
  ) {
    super(`YouTube quota budget reached (${used} of ${budget} units today); resumes after ${resetsAt.toISOString()}`);
  }
}

const pacific = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The Pacific-time day (`YYYY-MM-DD`) of `ms`, and the instant of the next Pacific midnight. */
export function quotaDay(ms: number): { day: string; resetsAt: Date } {
  const parts = Object.fromEntries(pacific.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const elapsed = (Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second)) * 1000 + (ms % 1000);
  return { day: `${parts.year}-${parts.month}-${parts.day}`, resetsAt: new Date(ms - elapsed + 86_400_000) };
}

/** The day's budget: spend before each call, or stop. */
export class QuotaBudget {
  day: string;
  used: number;
  private readonly resetsAt: Date;

  constructor(
    now: number,
    readonly budget: number,
    stored: { quotaDay?: string | undefined; quotaUsed?: number | undefined },
  ) {
    const q = quotaDay(now);
    this.day = q.day;
    this.resetsAt = q.resetsAt;
    this.used = stored.quotaDay === q.day ? (stored.quotaUsed ?? 0) : 0;
  }

  /** Whether `cost` more units fit today. */
  fits(cost: number): boolean {
    return this.used + cost <= this.budget;
  }

  /** @throws QuotaStop when the call would go over the budget */
  spend(method: QuotaMethod): void {
    const cost = QUOTA_COST[method];
    if (!this.fits(cost)) throw new QuotaStop(this.used, this.budget, this.resetsAt);
    this.used += cost;
  }

  stop(): QuotaStop {
    return new QuotaStop(this.used, this.budget, this.resetsAt);
  }
}
