import { z } from 'zod';

/**
 * Snapshot domains the connector reads (https://learn.microsoft.com/en-us/linkedin/dma/member-data-portability/shared/snapshot-domain)
 * and the stream each becomes. Their records carry the same fields as the export archive's CSV files.
 */
export const DOMAIN_STREAMS = {
  PROFILE: 'profile',
  POSITIONS: 'positions',
  CONNECTIONS: 'connections',
  MEMBER_SHARE_INFO: 'posts',
  ALL_COMMENTS: 'comments',
  INBOX: 'messages',
} as const;
export type SnapshotDomain = keyof typeof DOMAIN_STREAMS;
export const SNAPSHOT_DOMAINS = Object.keys(DOMAIN_STREAMS) as SnapshotDomain[];

/** Config of a `linkedin` source (the Member Data Portability API, behind OAuth). */
export const LinkedinConfigSchema = z
  .object({
    domains: z
      .array(z.enum(SNAPSHOT_DOMAINS as [SnapshotDomain, ...SnapshotDomain[]]))
      .min(1)
      .default([...SNAPSHOT_DOMAINS])
      .describe('Snapshot domains to read (PROFILE, POSITIONS, CONNECTIONS, MEMBER_SHARE_INFO, ALL_COMMENTS, INBOX).'),
    snapshotEveryDays: z
      .number()
      .int()
      .min(1)
      .max(27)
      .default(7)
      .describe(
        'Re-read the whole snapshot this often (finds what the change log does not carry: messages, connections, ' +
          'profile edits, and deletions). Must stay under the change log’s 28-day window.',
      ),
    apiVersion: z
      .string()
      .regex(/^\d{6}$/)
      .default('202312')
      .describe('The LinkedIn-Version header (YYYYMM) of the versioned REST API.'),
    baseUrl: z.url().default('https://api.linkedin.com').describe('API origin (a proxy, or the test twin).'),
  })
  .strict();
export type LinkedinConfig = z.output<typeof LinkedinConfigSchema>;
