import { z } from '@hono/zod-openapi';

const pattern = z.string().min(1).max(500).describe('A JavaScript regular expression (no slashes)');
const flags = z
  .string()
  .regex(/^[imsu]*$/)
  .optional()
  .describe('Regex flags (i, m, s, u); g is always on');
const sources = z.array(z.string().min(1)).max(100).optional().describe('Only these sources (ids or names)');

/** The user's privacy rules (engine/privacy.ts has the same schema; it also compiles every regex). */
export const PrivacyRulesSchema = z
  .object({
    redact: z
      .array(z.object({ pattern, flags, sources, name: z.string().max(100).optional() }).strict())
      .max(200)
      .default([])
      .describe('Matches become [REDACTED] before storage'),
    exclude: z
      .array(z.object({ field: z.enum(['author', 'container', 'text']), pattern, flags, sources }).strict())
      .max(200)
      .default([])
      .describe('Items whose field matches are not stored'),
  })
  .strict()
  .openapi('PrivacyRules');

export const PrivacyDryRunBodySchema = z
  .object({ rules: PrivacyRulesSchema.optional().describe('Rules to try; the saved ones when absent') })
  .strict();

export const PrivacyReportSchema = z
  .object({
    scanned: z.number(),
    redacted: z.number(),
    dropped: z.number(),
    samples: z.array(
      z.object({
        memory_id: z.string(),
        source: z.string(),
        external_id: z.string(),
        action: z.enum(['drop', 'redact']),
        matches: z.number(),
      }),
    ),
  })
  .openapi('PrivacyReport');

export const PurgeMatchBodySchema = z
  .object({ match: pattern, flags, dry_run: z.boolean().optional().describe('Count only') })
  .strict();

export const PurgeMatchResultSchema = z
  .object({ scanned: z.number(), matched: z.number(), purged: z.number() })
  .openapi('PurgeMatchResult');
