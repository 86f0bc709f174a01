import { defineConnector, z } from '@tributary/sdk';

/**
 * A source that is written to, not read from: external exporters (a Slack exporter in another language, a browser
 * extension) push items and their own checkpoint through `POST /api/v1/sources/{id}/ingest`. The checkpoint is the
 * exporter's own JSON value (object, string …), stored with each batch and handed back as given on
 * `GET /sources/{id}` so it can resume.
 */
export const push = defineConnector({
  manifest: {
    name: 'push',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Push (external exporter)',
    description: 'Items pushed by an external program through the ingest API; nothing is pulled.',
    auth: { type: 'none' },
    config: z
      .object({
        sourceType: z
          .string()
          .max(64)
          .optional()
          .describe("What the exporter exports (the seed's source_type: slack, browser …), for display."),
        description: z.string().max(500).optional().describe('Free text shown in listings.'),
      })
      .strict(),
    // The exporter's own cursor, any JSON value: the seed's IngestRequest documents a string ("1714557600.000100").
    // The SDK types checkpoints as the flat objects pulled connectors write; a push source never reads its own.
    checkpoint: z.json() as unknown as z.ZodType<Record<string, unknown>>,
    streams: ['messages', 'documents', 'events', 'pages'],
    capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: false },
    kind: 'local',
  },
  async check() {
    return { ok: true, message: 'Push sources receive items through POST /api/v1/sources/{id}/ingest.' };
  },
  async *read() {
    // Nothing to pull: items arrive through ingestion.
  },
});

export default push;
