import { z } from 'zod';

/**
 * X API plans and their monthly post-read caps (developer.x.com → Products, as published in 2025): Free reads
 * 100 posts a month, Basic 15,000, Pro 1,000,000; Enterprise is negotiated (set `monthlyPostReads`).
 */
export const X_PLAN_POST_READS = { free: 100, basic: 15_000, pro: 1_000_000 } as const;
export type XPlan = keyof typeof X_PLAN_POST_READS | 'enterprise';

/** Config of an `x` source: one account's posts (and, by feature, its mentions, bookmarks and likes). */
export const XConfigSchema = z
  .object({
    userId: z
      .string()
      .regex(/^\d{1,19}$/, 'must be a numeric X user id')
      .optional()
      .describe('The account to read; left out, the signed-in user (GET /2/users/me). Bookmarks are always your own.'),
    plan: z
      .enum(['free', 'basic', 'pro', 'enterprise'])
      .default('basic')
      .describe('Your X API plan: it sets the monthly post-read cap (free 100, basic 15,000, pro 1,000,000).'),
    monthlyPostReads: z
      .number()
      .int()
      .min(1)
      .max(100_000_000)
      .optional()
      .describe(
        'Posts this source may read per month (overrides the plan; required for enterprise). The sync stops ' +
          'cleanly at the cap and resumes when the period resets.',
      ),
    capResetDay: z
      .number()
      .int()
      .min(1)
      .max(28)
      .default(1)
      .describe('Day of the month (UTC) your plan’s post-read count resets (the billing day in the developer portal).'),
    pageSize: z.number().int().min(5).max(100).default(100).describe('Posts per request (max_results, 5–100).'),
    backfillDays: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('First sync: read only posts from the last N days (start_time), then everything new.'),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://api.x.com')
      .describe('X API origin (a proxy, or a test twin).'),
  })
  .strict()
  .refine((c) => c.plan !== 'enterprise' || c.monthlyPostReads !== undefined, {
    message: 'an enterprise plan needs monthlyPostReads (your contract’s monthly post cap)',
    path: ['monthlyPostReads'],
  });
export type XConfig = z.output<typeof XConfigSchema>;

/** The monthly post-read cap of a config. */
export function monthlyCap(config: XConfig): number {
  return config.monthlyPostReads ?? X_PLAN_POST_READS[config.plan as keyof typeof X_PLAN_POST_READS];
}

/** Least privilege: the posts and the user; offline.access keeps a refresh token. */
export const X_BASE_SCOPES = ['tweet.read', 'users.read', 'offline.access'];
/** Extra scopes per feature (stream): asked for only when the feature is on. */
export const X_FEATURE_SCOPES: Record<string, string[]> = {
  bookmarks: ['bookmark.read'],
  likes: ['like.read'],
};
