import { z } from 'zod';

const ProjectKey = z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'a project key such as OPS');

/** Config of a Jira Cloud source. */
export const JiraConfigSchema = z.object({
  siteUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'The site, e.g. https://your-domain.atlassian.net. Required with an API token; with OAuth it picks the site among those the grant reaches.',
    ),
  apiUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.atlassian.com')
    .describe('Atlassian API gateway for OAuth (accessible resources and /ex/jira/{cloudId}).'),
  jql: z
    .string()
    .max(4000)
    .optional()
    .describe('A JQL filter of your own (e.g. "labels = customer"), ANDed with the projects and the sync window.'),
  projects: z
    .object({
      include: z.array(ProjectKey).default([]).describe('Only these projects (empty: every project the user sees).'),
      exclude: z.array(ProjectKey).default([]).describe('Never these projects.'),
    })
    .default({ include: [], exclude: [] })
    .describe('Projects to read.'),
  comments: z.boolean().default(true).describe('Read comments, each as its own item in the issue thread.'),
  changelogEntries: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(20)
    .describe('Newest changelog entries kept in the issue metadata.'),
  overlapMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(5)
    .describe('An incremental search starts this long before the newest update read (JQL compares minutes).'),
  reconcileHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(24)
    .describe('How often a sync lists every issue to find deleted or hidden ones (0: every sync).'),
  timeZone: z
    .string()
    .optional()
    .describe("Time zone of JQL dates; default: the API user's profile time zone (GET /myself)."),
  pageSize: z.number().int().min(1).max(100).default(100).describe('Issues per search request.'),
  webhookSecret: z
    .string()
    .min(1)
    .optional()
    .meta({ secret: true })
    .describe('Secret of the Jira webhook, to verify X-Hub-Signature (or the credential extra `webhookSecret`).'),
});

export type JiraConfig = z.output<typeof JiraConfigSchema>;
