import { z } from 'zod';

/** Config of a `fathom` source (the API key is the source's credential, sent as `X-Api-Key`). */
export const FathomConfigSchema = z
  .object({
    baseUrl: z
      .url()
      .default('https://api.fathom.ai/external/v1')
      .describe('Fathom External API base URL (a proxy, or a test twin).'),
    transcript: z.boolean().default(true).describe('Store the transcript (speaker, timestamp, text).'),
    summary: z.boolean().default(true).describe("Store Fathom's AI summary."),
    actionItems: z.boolean().default(true).describe('Store the action items.'),
    reconcileHours: z
      .number()
      .min(0)
      .max(24 * 30)
      .default(24)
      .describe(
        'At most this often, a sync lists every meeting (without transcripts) to find the ones deleted in Fathom. 0 = every sync.',
      ),
    webhookSecret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be the whsec_… secret Fathom shows for the webhook')
      .optional()
      .meta({ secret: true })
      .describe('Secret of the Fathom webhook pointed at /api/v1/webhooks/fathom: verified deliveries trigger a sync.'),
  })
  .strict();
export type FathomConfig = z.output<typeof FathomConfigSchema>;
