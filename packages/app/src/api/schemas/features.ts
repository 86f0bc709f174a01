import { z } from '@hono/zod-openapi';
import type { FeatureView, FeatureWrite } from '@tributary/engine';

const LayerSchema = z
  .object({ enabled: z.boolean().optional(), config: z.record(z.string(), z.unknown()).optional() })
  .nullable();

/** One feature as the API shows it: the effective state and config, and the layers they came from. */
export const FeatureSchema = z
  .object({
    enabled: z.boolean().describe('Effective: the layers applied and every dependency on.'),
    config: z.record(z.string(), z.unknown()).describe('Effective config, defaults applied.'),
    default: z.boolean(),
    description: z.string(),
    depends_on: z.array(z.string()),
    connector: LayerSchema.describe('The connector-wide setting, when one is stored.'),
    source: LayerSchema.optional().describe("The source's own override (on a source's features)."),
    config_schema: z.record(z.string(), z.unknown()).nullable().describe('JSON Schema of the config.'),
  })
  .openapi('Feature');

export const FeatureMapSchema = z.record(z.string(), FeatureSchema).openapi('FeatureMap');

/**
 * A write of one feature. `null` clears that part of the layer (back to the layer below); an absent part is left
 * as it is; an empty body toggles `enabled` (the seed's toggle route).
 */
export const FeatureWriteSchema = z
  .object({
    enabled: z.boolean().nullable().optional(),
    config: z.record(z.string(), z.unknown()).nullable().optional().describe("Validated by the feature's schema."),
  })
  .strict()
  .openapi('FeatureWrite');

export function featureMapWire(views: Record<string, FeatureView>) {
  return Object.fromEntries(
    Object.entries(views).map(([k, v]) => [
      k,
      {
        enabled: v.enabled,
        config: v.config,
        default: v.default,
        description: v.description,
        depends_on: v.dependsOn,
        connector: v.connector,
        ...(v.source !== undefined ? { source: v.source } : {}),
        config_schema: v.configSchema,
      },
    ]),
  );
}

/** The body as an engine write; `{}` toggles the current effective state. */
export function featureWriteOf(body: z.infer<typeof FeatureWriteSchema>, current: boolean | undefined): FeatureWrite {
  if (body.enabled === undefined && body.config === undefined) return { enabled: !(current ?? false) };
  return {
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    ...(body.config !== undefined ? { config: body.config } : {}),
  };
}
