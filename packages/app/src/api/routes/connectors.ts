import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { configJsonSchema, type AnyConnector } from '@tributary/sdk';
import type { ConnectorStatus } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import { requireWrite } from '../../auth/authenticate.js';
import type { Api, AppEnv, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';
import { FeatureMapSchema, FeatureWriteSchema, featureMapWire, featureWriteOf } from '../schemas/features.js';

const FeatureSpecWire = z.object({
  default: z.boolean(),
  description: z.string(),
  depends_on: z.array(z.string()),
  has_config: z.boolean(),
});

const ConnectorSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    title: z.string(),
    description: z.string(),
    author: z.string().nullable(),
    auth: z.string().describe('none, apiKey, oauth2 …'),
    kind: z.string(),
    streams: z.array(z.string()),
    capabilities: z.record(z.string(), z.boolean()),
    features: z.record(z.string(), FeatureSpecWire),
    origin: z.enum(['builtin', 'plugin']),
    enabled: z.boolean().describe("A disabled connector's sources never run."),
    installed_at: z.string().nullable(),
    updated_at: z.string().nullable(),
    manifest_hash: z.string(),
    env_vars: z.array(z.object({ name: z.string(), description: z.string(), required: z.boolean() })),
    missing_env_vars: z.array(z.string()).describe('Required env_vars absent on this server: its sources do not run.'),
    metrics: z.array(z.object({ name: z.string(), type: z.enum(['counter', 'gauge']), description: z.string() })),
  })
  .openapi('Connector');

const ConnectorDetailSchema = ConnectorSchema.extend({
  config_schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the config (secret fields writeOnly).'),
  feature_settings: FeatureMapSchema.describe('Effective connector-wide feature settings.'),
}).openapi('ConnectorDetail');

const NameParam = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .openapi({ param: { name: 'name', in: 'path' } }),
  })
  .strict();

const FeatureParams = NameParam.extend({
  feature: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'feature', in: 'path' } }),
}).strict();

function connectorWire(c: AnyConnector, s: ConnectorStatus) {
  const m = c.manifest;
  return {
    name: m.name,
    version: m.version,
    title: m.title,
    description: m.description,
    author: m.author ?? null,
    auth: m.auth.type,
    kind: m.kind ?? 'local',
    streams: [...m.streams],
    capabilities: { ...(m.capabilities ?? {}) } as Record<string, boolean>,
    features: Object.fromEntries(
      Object.entries(m.features ?? {}).map(([k, f]) => [
        k,
        { default: f.default, description: f.description, depends_on: f.dependsOn ?? [], has_config: !!f.config },
      ]),
    ),
    origin: s.origin,
    enabled: s.enabled,
    installed_at: s.installedAt,
    updated_at: s.updatedAt,
    manifest_hash: s.manifestHash,
    env_vars: (m.envVars ?? []).map((v) => ({
      name: v.name,
      description: v.description,
      required: v.required !== false,
    })),
    missing_env_vars: s.missingEnvVars,
    metrics: (m.monitoring?.metrics ?? []).map((x) => ({ name: x.name, type: x.type, description: x.description })),
  };
}

/** Runs before the path and body are validated: a non-admin learns nothing about valid requests. */
const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const p = principal(c);
  if (!p.user.isAdmin)
    throw new TributaryError(
      'forbidden',
      'Only an admin token may enable, disable or configure a connector for everyone.',
    );
  requireWrite(p);
  await next();
};

/**
 * The connectors and their registry entries (seed §B: `GET /datasources` is the same list), enable/disable
 * (admin), and connector-wide feature settings with config (`POST …/features/{feature}`, admin).
 */
export function registerConnectorRoutes(app: Api, deps: RouteDeps): void {
  const { engine } = deps;
  const reg = engine.connectors.registry;
  const wire = async (name: string) => connectorWire(engine.connectors.get(name), await reg.status(name));

  for (const path of ['/connectors', '/datasources'] as const)
    app.openapi(
      createRoute({
        method: 'get',
        path,
        tags: ['connectors'],
        summary: path === '/connectors' ? 'Connectors and their registry entries' : 'The same as GET /connectors',
        responses: {
          200: json(z.object({ connectors: z.array(ConnectorSchema) }).openapi('ConnectorList')),
          ...errorResponses(),
        },
      }),
      async (c) => {
        const statuses = await reg.list();
        return c.json({ connectors: statuses.map((s) => connectorWire(engine.connectors.get(s.name), s)) }, 200);
      },
    );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/connectors/{name}',
      tags: ['connectors'],
      summary: "A connector's manifest, registry entry, config JSON Schema and feature settings",
      request: { params: NameParam },
      responses: { 200: json(ConnectorDetailSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const connector = engine.connectors.get(name);
      return c.json(
        {
          ...(await wire(name)),
          config_schema: configJsonSchema(connector.manifest.config),
          feature_settings: featureMapWire(await reg.features(name)),
        },
        200,
      );
    },
  );

  for (const action of ['enable', 'disable'] as const)
    app.openapi(
      createRoute({
        method: 'post',
        path: `/connectors/{name}/${action}`,
        tags: ['connectors'],
        middleware: [adminOnly] as const,
        summary:
          action === 'enable'
            ? 'Enable a connector (admin)'
            : "Disable a connector for everyone (admin): its sources show 'connector disabled' and never run",
        request: { params: NameParam },
        responses: { 200: json(ConnectorSchema), ...errorResponses(403, 404) },
      }),
      async (c) => {
        const { name } = c.req.valid('param');
        await reg.setEnabled(name, action === 'enable');
        return c.json(await wire(name), 200);
      },
    );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/connectors/{name}/features',
      tags: ['connectors'],
      summary: 'Connector-wide feature settings (effective state and config, with their layers)',
      request: { params: NameParam },
      responses: { 200: json(z.object({ features: FeatureMapSchema })), ...errorResponses(404) },
    }),
    async (c) => c.json({ features: featureMapWire(await reg.features(c.req.valid('param').name)) }, 200),
  );

  for (const path of ['/connectors/{name}/features/{feature}', '/datasources/{name}/features/{feature}'] as const)
    app.openapi(
      createRoute({
        method: 'post',
        path,
        tags: ['connectors'],
        middleware: [adminOnly] as const,
        summary:
          'Set a feature for every source of the connector (admin): `enabled` and/or `config` (null clears; an ' +
          'empty body toggles `enabled`, as the seed route does). Applies at the next run.',
        request: {
          params: FeatureParams,
          body: { content: { 'application/json': { schema: FeatureWriteSchema } }, required: false },
        },
        responses: { 200: json(z.object({ features: FeatureMapSchema })), ...errorResponses(400, 403, 404, 415) },
      }),
      async (c) => {
        const { name, feature } = c.req.valid('param');
        const current = (await reg.features(name))[feature];
        const write = featureWriteOf(c.req.valid('json') ?? {}, current?.enabled);
        return c.json({ features: featureMapWire(await reg.setFeature(name, feature, write)) }, 200);
      },
    );
}
