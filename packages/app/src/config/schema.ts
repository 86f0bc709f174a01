import { z } from 'zod';
import { PrivacyRulesSchema } from '@tributary/engine/engine/privacy';
import { EmbeddingsConfigSchema } from '@tributary/engine/embedding/config';
import { FeatureOverrideSchema } from '@tributary/sdk';
import { QdrantSettingsSchema } from '../runtime/qdrant-settings.js';

/**
 * The declarative config file (`tributary.yaml` / `.json`): the sources this Tributary should have.
 * `tributary apply` reconciles the store with it. Unknown keys are refused (with their path) so a typo never
 * passes silently.
 */

/** A source's stable key in the file: kebab/snake-case, unique within the file. */
export const DeclaredIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'must be letters, digits, "-" or "_"')
  .max(128)
  .describe('Stable key of the source in this file; keep it when you rename the source.');

export const DeclaredScheduleKeys = ['intervalMinutes', 'cron'] as const;

export const DeclaredScheduleSchema = z.preprocess(
  // `interval_minutes`, as the seed's files write it, is the same key.
  (v) => {
    if (typeof v !== 'object' || v === null || !('interval_minutes' in v) || 'intervalMinutes' in v) return v;
    const { interval_minutes: intervalMinutes, ...rest } = v as Record<string, unknown>;
    return { ...rest, intervalMinutes };
  },
  z
    .strictObject({
      intervalMinutes: z.number().int().positive().optional().describe('Sync every N minutes (or interval_minutes).'),
      cron: z.string().min(1).optional().describe('A cron expression (5 or 6 fields); wins over the interval.'),
    })
    .refine((s) => s.intervalMinutes !== undefined || s.cron !== undefined, 'set intervalMinutes or cron'),
);

export const DeclaredSourceSchema = z.strictObject({
  id: DeclaredIdSchema,
  type: z.string().min(1).describe('The connector name (see `tributary connectors`).'),
  name: z
    .string()
    .min(1)
    .max(200)
    .describe('Display name, free text ("Work Slack"); the CLI, API and search filters accept it as well as the id.'),
  config: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("The connector's config (see `tributary connectors <type>`)."),
  features: z
    .record(z.string(), FeatureOverrideSchema)
    .optional()
    .describe(
      'Feature flags overriding the connector-wide settings: `name: true|false`, or `name: { enabled, config }` (docs/features.md).',
    ),
  schedule: DeclaredScheduleSchema.nullable().optional().describe('When to sync; omit for manual syncs only.'),
  enabled: z.boolean().default(true).describe('false keeps the source but pauses it.'),
});

/** A user of a multi-user server and the folders their local sources may read (admins grant them here or over the API). */
export const DeclaredUserSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, dot, dash or underscore')
    .max(100)
    .describe('The user id (created when missing).'),
  name: z.string().min(1).max(200).optional().describe('Display name for a new user. @default the id'),
  allowedRoots: z
    .array(z.string().min(1).max(4096).startsWith('/', 'must be an absolute path'))
    .max(100)
    .default([])
    .describe(
      'Folders on this server the user’s local sources (files, git, sqlite …) may read. The data dir never is. Empty: none.',
    ),
});

/** A connector's settings for everyone (seed §B registry and feature flags): on/off and connector-wide features. */
export const DeclaredConnectorSchema = z.strictObject({
  enabled: z
    .boolean()
    .optional()
    .describe("false disables the connector: its sources show 'connector disabled' and never run."),
  features: z
    .record(z.string(), FeatureOverrideSchema)
    .optional()
    .describe(
      'Connector-wide feature settings: `name: true|false` or `name: { enabled, config }`; sources may override.',
    ),
});

export const ConfigFileSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('Format version of this file.'),
    connectors: z
      .record(z.string(), DeclaredConnectorSchema)
      .optional()
      .describe(
        'Connectors by name: enabled, and connector-wide feature settings; connectors not listed are left as they are.',
      ),
    sources: z.array(DeclaredSourceSchema).default([]),
    users: z
      .array(DeclaredUserSchema)
      .default([])
      .describe('Users whose allowed roots this file manages; users not listed are left as they are.'),
    privacy: PrivacyRulesSchema.optional().describe(
      'Redaction and exclusion rules of the local user (docs/api.md#privacy-rules); replace the saved ones when present.',
    ),
    embeddings: EmbeddingsConfigSchema.nullable()
      .optional()
      .describe(
        'How text is embedded for semantic search (docs/embeddings.md): provider ollama, openai or onnx; null turns saved settings off. TRIBUTARY_EMBEDDINGS_* variables win.',
      ),
    qdrant: QdrantSettingsSchema.nullable()
      .optional()
      .describe(
        'Vectors in Qdrant (docs/embeddings.md): url and collectionPrefix; null turns saved settings off. TRIBUTARY_QDRANT_URL wins; the API key stays in TRIBUTARY_QDRANT_API_KEY.',
      ),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    const names = new Map<string, number>();
    file.sources.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'id'],
          message: `duplicate id "${s.id}" (also at sources.${seen.get(s.id)})`,
        });
      else seen.set(s.id, i);
      if (names.has(s.name))
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'name'],
          message: `duplicate name "${s.name}" (also at sources.${names.get(s.name)})`,
        });
      else names.set(s.name, i);
    });
  })
  // A source's `{ enabled, config }` features become its on/off flags (compared by the plan like before) and its
  // feature configs (applied through the registry, config/connectors.ts).
  .transform((file) => {
    /** Feature configs of declared sources, by source id then feature. */
    const featureConfigs: Record<string, Record<string, Record<string, unknown>>> = {};
    const sources = file.sources.map((s) => {
      if (s.features === undefined) return { ...s, features: undefined };
      const flags: Record<string, boolean> = {};
      for (const [name, value] of Object.entries(s.features)) {
        const o = typeof value === 'boolean' ? { enabled: value } : value;
        if (o.enabled !== undefined) flags[name] = o.enabled;
        if (o.config !== undefined) (featureConfigs[s.id] ??= {})[name] = o.config;
      }
      return { ...s, features: flags };
    });
    const out: Omit<typeof file, 'sources'> & { sources: typeof sources; featureConfigs?: typeof featureConfigs } = {
      ...file,
      sources,
    };
    if (Object.keys(featureConfigs).length > 0) out.featureConfigs = featureConfigs;
    return out;
  });

export type ConfigFile = z.output<typeof ConfigFileSchema>;
export type DeclaredSource = ConfigFile['sources'][number];
