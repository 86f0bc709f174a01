import { z } from 'zod';

/** `owner/name`, or `owner/*` for every repository of an owner. */
const RepoRef = z.string().regex(/^[A-Za-z0-9_.-]+\/(\*|[A-Za-z0-9_.-]+)$/, 'use owner/name or owner/*');

/** Config of a GitHub source. */
export const GithubConfigSchema = z.object({
  repos: z
    .array(RepoRef)
    .min(1)
    .describe('Repositories to read: "owner/name", or "owner/*" for all of an owner\'s repositories.'),
  includePrivate: z.boolean().default(true).describe('Read private repositories the token can see.'),
  includeComments: z
    .boolean()
    .default(true)
    .describe('Read issue and pull request comments, reviews and review comments.'),
  includeClosed: z
    .boolean()
    .default(true)
    .describe('Keep closed issues and pull requests (when off, closing one removes it).'),
  maxAgeDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip issues, comments and commits older than this.'),
  contentTypes: z
    .array(z.string().min(1))
    .default(['markdown', 'code'])
    .describe('Files to read from the default branch: "markdown", "code", or extensions like ".txt".'),
  maxFileSizeMb: z.number().positive().default(1).describe('Skip files larger than this.'),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.github.com')
    .describe('REST API base URL (GitHub Enterprise: https://host/api/v3).'),
  webhookSecret: z
    .string()
    .min(1)
    .optional()
    .meta({ secret: true })
    .describe('The webhook secret, to verify X-Hub-Signature-256 (or the credential extra `webhookSecret`).'),
});

export type GithubConfig = z.output<typeof GithubConfigSchema>;

/**
 * Config of the `pullRequests` feature (connector-wide or per source, see docs/features.md):
 * `{ enabled: true, config: { includeReviews: true, maxAgeDays: 180 } }`.
 */
export const PullRequestsFeatureSchema = z.object({
  includeReviews: z
    .boolean()
    .default(true)
    .describe('Read the reviews of each changed pull request (also needs includeComments, the source setting).'),
  maxAgeDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Skip pull requests not updated in this many days (issues are not affected).'),
});
