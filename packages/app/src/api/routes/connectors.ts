import { createRoute, z } from '@hono/zod-openapi';
import { configJsonSchema, type AnyConnector } from '@tributary/sdk';
import type { Api, RouteDeps } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';

const ConnectorSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    title: z.string(),
    description: z.string(),
    auth: z.string().describe('none, apiKey, oauth2 …'),
    kind: z.string(),
    streams: z.array(z.string()),
    capabilities: z.record(z.string(), z.boolean()),
    features: z.record(z.string(), z.object({ default: z.boolean(), description: z.string() })),
  })
  .openapi('Connector');

const ConnectorDetailSchema = ConnectorSchema.extend({
  config_schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the config (secret fields writeOnly).'),
}).openapi('ConnectorDetail');

function connectorWire(c: AnyConnector) {
  const m = c.manifest;
  return {
    name: m.name,
    version: m.version,
    title: m.title,
    description: m.description,
    auth: m.auth.type,
    kind: m.kind ?? 'local',
    streams: [...m.streams],
    capabilities: { ...(m.capabilities ?? {}) } as Record<string, boolean>,
    features: { ...(m.features ?? {}) } as Record<string, { default: boolean; description: string }>,
  };
}

/** The installed connectors and their config JSON Schemas (for forms). */
export function registerConnectorRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/connectors',
      tags: ['connectors'],
      summary: 'Installed connectors',
      responses: {
        200: json(z.object({ connectors: z.array(ConnectorSchema) }).openapi('ConnectorList')),
        ...errorResponses(),
      },
    }),
    (c) => c.json({ connectors: deps.engine.connectors.list().map(connectorWire) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/connectors/{name}',
      tags: ['connectors'],
      summary: "A connector's manifest and config JSON Schema",
      request: {
        params: z
          .object({
            name: z
              .string()
              .min(1)
              .max(100)
              .openapi({ param: { name: 'name', in: 'path' } }),
          })
          .strict(),
      },
      responses: { 200: json(ConnectorDetailSchema), ...errorResponses(404) },
    }),
    (c) => {
      const connector = deps.engine.connectors.get(c.req.valid('param').name);
      return c.json({ ...connectorWire(connector), config_schema: configJsonSchema(connector.manifest.config) }, 200);
    },
  );
}
