import { createRoute } from '@hono/zod-openapi';
import { TributaryError } from '@tributary/sdk';
import type { StoredCheckpoint } from '@tributary/engine';
import type { Api, RouteDeps } from '../context.js';
import { ownedSource, principal } from '../context.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import { IngestRequestSchema, IngestResponseSchema } from '../schemas/ingest.js';
import { ingestResultWire, itemFromWire } from '../wire.js';

/** The connector of sources that receive pushed items (and nothing else). */
const PUSH_CONNECTOR = 'push';

/** `POST /sources/{id}/ingest`: push ingestion through the same pipeline and transaction rule as a sync. */
export function registerIngestRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/sources/{id}/ingest',
      tags: ['ingest'],
      summary: 'Push items (and deletions, and the exporter checkpoint) into a source; idempotent',
      description:
        'Only into sources of type push (409 for a pulled source). ' +
        'Items, deletions and the checkpoint commit in one transaction. Re-sending a batch creates nothing new ' +
        '(duplicates_skipped). The checkpoint comes back as last_sync_position on GET /sources/{id}.',
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: IngestRequestSchema } }, required: true },
      },
      responses: { 200: json(IngestResponseSchema), ...errorResponses(400, 403, 404, 409, 413, 415) },
    }),
    async (c) => {
      const source = await ownedSource(deps.engine, principal(c), c.req.valid('param').id);
      // A pulled source owns its items and its checkpoint: its next full refresh would tombstone pushed items, and
      // a pushed checkpoint would replace the connector's cursor. Only push sources take pushed items.
      if (source.sourceType !== PUSH_CONNECTOR) {
        throw new TributaryError(
          'conflict',
          `Source "${source.name}" is pulled by the ${source.sourceType} connector; ingest only into a push source ` +
            `(POST /sources with "source_type": "push"), so a full refresh never deletes what was pushed.`,
          { issues: [{ path: 'path.id', message: 'not a push source' }] },
        );
      }
      const req = c.req.valid('json');
      const max = deps.limits.maxIngestItems;
      if (req.items.length > max) {
        throw new TributaryError(
          'payload_too_large',
          `Too many items: ${req.items.length} > ${max} per request; split the batch.`,
          {
            issues: [{ path: 'items', message: `at most ${max} items per request` }],
          },
        );
      }
      const result = await deps.engine.ingest(source.id, {
        items: req.items.map(itemFromWire),
        ...(req.deleted ? { deletes: req.deleted } : {}),
        // Any JSON value counts, "" and 0 included: only an absent checkpoint leaves the stored one as it is.
        ...(req.checkpoint !== undefined ? { checkpoint: req.checkpoint as StoredCheckpoint | null } : {}),
      });
      return c.json(ingestResultWire(result), 200);
    },
  );
}
