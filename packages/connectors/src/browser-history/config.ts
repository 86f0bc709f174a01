import { z } from 'zod';

/** Browsers whose history database this connector reads. */
export const BROWSERS = ['chrome', 'chromium', 'edge', 'brave', 'firefox', 'safari'] as const;
export type Browser = (typeof BROWSERS)[number];

/** Config of the `browser-history` connector. */
export const BrowserHistoryConfigSchema = z.object({
  browser: z
    .enum(BROWSERS)
    .optional()
    .describe(
      'Which browser. Optional with an explicit `path` (detected from the database tables); required without one.',
    ),
  path: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The history database file (Chrome-family `History`, Firefox `places.sqlite`, Safari `History.db`). Default: the browser's default profile on this OS.",
    )
    .meta({ path: true }),
  profile: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Profile folder name (Chrome family: "Default", "Profile 1"; Firefox: the folder under Profiles/). Default: the default profile.',
    ),
  includeDomains: z
    .array(z.string().min(1))
    .default([])
    .describe('Only pages on these domains (and their subdomains). Empty: all.'),
  excludeDomains: z
    .array(z.string().min(1))
    .default([])
    .describe('Never pages on these domains (and their subdomains).'),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip pages last visited more than this many days ago.'),
  pageSize: z.number().int().min(1).max(5000).default(500).describe('Items per committed page.'),
});
export type BrowserHistoryConfig = z.output<typeof BrowserHistoryConfigSchema>;
