// The three functions, not the package index (52 modules): every process loads the SDK.
import satisfies from 'semver/functions/satisfies.js';
import valid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { z } from 'zod';

/** Connector names are kebab-case and stable forever. */
export const ConnectorNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9 and single dashes)')
  .max(64);

export const AuthSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('token'), description: z.string().optional() }),
  z.object({ type: z.literal('password'), description: z.string().optional() }),
  z.object({
    type: z.literal('oauth2'),
    provider: z.string().min(1),
    scopes: z.array(z.string()).default([]),
    /** A personal/bot token is accepted instead of OAuth. */
    allowToken: z.boolean().default(false),
    /** Scopes asked for only while a feature is on (least privilege: `bookmarks` → `bookmark.read`). */
    featureScopes: z.record(z.string(), z.array(z.string())).optional(),
  }),
]);
export type AuthSpec = z.input<typeof AuthSpecSchema>;

/**
 * A feature a connector offers (the data part; a code manifest may add `config`, a zod schema, see features.ts).
 * `default` is its state when nobody set it; `dependsOn` names features it needs: it is off while one of them is.
 */
export const FeatureSpecSchema = z.object({
  default: z.boolean(),
  description: z.string().min(1),
  dependsOn: z.array(z.string().min(1)).optional(),
});

/** An environment variable the connector needs in the host (checked at start; the connector never reads it). */
export const EnvVarSpecSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  description: z.string().min(1),
  /** A missing optional variable is reported but does not stop the connector's syncs. */
  required: z.boolean().default(true),
});

/** A metric the connector updates through `ctx.metrics`, exported on /metrics with connector and source labels. */
export const MetricSpecSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case (a-z, 0-9, _)'),
  type: z.enum(['counter', 'gauge']),
  description: z.string().min(1),
});

export const RateLimitSpecSchema = z.object({
  requests: z.number().positive(),
  perSeconds: z.number().positive(),
  burst: z.number().positive().optional(),
  description: z.string().optional(),
});

/** The declarative part of a connector (everything but functions and zod schemas). */
export const ManifestSchema = z.object({
  name: ConnectorNameSchema,
  version: z.string().refine((v) => valid(v) !== null, 'must be a semver version like 1.2.0'),
  sdk: z.string().refine((v) => validRange(v) !== null, 'must be a semver range like ^1.0.0'),
  title: z.string().min(1),
  description: z.string().min(1),
  auth: AuthSpecSchema,
  features: z.record(z.string(), FeatureSpecSchema).default({}),
  streams: z.array(z.string().min(1)).min(1),
  capabilities: z
    .object({
      incremental: z.boolean().default(false),
      deletions: z.boolean().default(false),
      webhooks: z.boolean().default(false),
      fullRefresh: z.boolean().default(true),
      /**
       * Reads this server's disk or runs a local program. Such sources are for admins, or for users an admin
       * granted allowed roots; their path fields (`.meta({ path: true })`) are checked against them.
       */
      local: z.boolean().default(false),
    })
    .default({ incremental: false, deletions: false, webhooks: false, fullRefresh: true, local: false }),
  rateLimit: RateLimitSpecSchema.optional(),
  /** Where the connector reads from: `local` (files on this machine) or `cloud` (an API). */
  kind: z.enum(['local', 'cloud']).default('local'),
  /** Who wrote and maintains the connector. */
  author: z.string().min(1).optional(),
  /** The seed's `env_vars`: host environment the connector needs (a start-up message lists what is missing). */
  envVars: z.array(EnvVarSpecSchema).default([]),
  /** The seed's `monitoring.metrics`: counters and gauges the connector updates through `ctx.metrics`. */
  monitoring: z.object({ metrics: z.array(MetricSpecSchema).default([]) }).optional(),
});
export type ManifestData = z.input<typeof ManifestSchema>;

/** The SDK version this package implements; manifests declare a range that must include it. */
export const SDK_VERSION = '1.0.0';

/** Whether a connector built for `range` can load in this host. */
export function isSdkCompatible(range: string, hostVersion = SDK_VERSION): boolean {
  return validRange(range) !== null && satisfies(hostVersion, range);
}
