import { createRoute, z } from '@hono/zod-openapi';
import type { Api, RouteDeps } from '../context.js';
import { ownedSource, principal } from '../context.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import { FeatureMapSchema, FeatureWriteSchema, featureMapWire, featureWriteOf } from '../schemas/features.js';

const FeatureParams = IdParam.extend({
  feature: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'feature', in: 'path' } }),
}).strict();

const HealthSchema = z
  .object({
    ok: z.boolean(),
    message: z.string().describe('What the connector said (or why it was not asked), in words that say what to fix.'),
    connector: z.string(),
    connector_enabled: z.boolean(),
    missing_env_vars: z.array(z.string()),
    checked_at: z.string(),
    duration_ms: z.number(),
  })
  .openapi('SourceHealth');

/**
 * A source's feature overrides with config (`POST /sources/{id}/features/{feature}`, owner) and its health check
 * (`GET /sources/{id}/health` runs the connector's `check()`: connectivity and credentials).
 */
export function registerSourceFeatureRoutes(app: Api, deps: RouteDeps): void {
  const { engine } = deps;
  const reg = engine.connectors.registry;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources/{id}/features',
      tags: ['sources'],
      summary: "A source's features: effective state and config, the connector-wide and the source's layers",
      request: { params: IdParam },
      responses: { 200: json(z.object({ features: FeatureMapSchema })), ...errorResponses(404) },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      return c.json({ features: featureMapWire(await reg.sourceFeatures(source)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sources/{id}/features/{feature}',
      tags: ['sources'],
      summary:
        "Override a feature for this source: `enabled` and/or `config` (null clears back to the connector's " +
        'setting; an empty body toggles `enabled`). Applies at the next run.',
      request: {
        params: FeatureParams,
        body: { content: { 'application/json': { schema: FeatureWriteSchema } }, required: false },
      },
      responses: { 200: json(z.object({ features: FeatureMapSchema })), ...errorResponses(400, 403, 404, 415) },
    }),
    async (c) => {
      const { id, feature } = c.req.valid('param');
      const source = await ownedSource(engine, principal(c), id);
      const current = (await reg.sourceFeatures(source))[feature];
      const write = featureWriteOf(c.req.valid('json') ?? {}, current?.enabled);
      return c.json({ features: featureMapWire(await reg.setSourceFeature(source, feature, write)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources/{id}/health',
      tags: ['sources'],
      summary: "Run the connector's check for this source (200 with ok false when it fails)",
      request: { params: IdParam },
      responses: { 200: json(HealthSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const source = await ownedSource(engine, principal(c), c.req.valid('param').id);
      const status = await reg.status(source.sourceType);
      const started = Date.now();
      const result = !status.enabled
        ? { ok: false, message: 'connector disabled' }
        : status.missingEnvVars.length > 0
          ? { ok: false, message: `missing environment variables: ${status.missingEnvVars.join(', ')}` }
          : await engine.sources.check(source.id);
      return c.json(
        {
          ok: result.ok,
          message: result.message,
          connector: source.sourceType,
          connector_enabled: status.enabled,
          missing_env_vars: status.missingEnvVars,
          checked_at: new Date().toISOString(),
          duration_ms: Date.now() - started,
        },
        200,
      );
    },
  );
}
