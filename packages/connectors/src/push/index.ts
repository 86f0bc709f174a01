import { defineConnector, z } from '@tributary/sdk';

/**
 * A source that is written to, not read from: external exporters (a Slack exporter in another language, a browser
 * extension) push items and their own checkpoint through `POST /api/v1/sources/{id}/ingest`. The checkpoint is the
 * exporter's own flat JSON object, stored with each batch and handed back on `GET /sources/{id}` so it can resume.
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
    checkpoint: z.record(z.string(), z.unknown()),
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
