import { z } from 'zod';
import type {
  ConnectorContext,
  ConnectorState,
  ReadContext,
  WebhookContext,
  WebhookOutcome,
  WebhookRequest,
} from './context.js';
import { TributaryError, zodIssues, formatIssues } from './errors.js';
import { assertKnownConfigKeys, canonicalConfigKeys, type ConfigAliases } from './config-keys.js';
import type { Checkpoint, Page } from './item.js';
import { ManifestSchema, type ManifestData } from './manifest.js';
import { assertFeatureDefinitions, type FeatureDefinition } from './features.js';

/** A resource a connector can offer in a picker: a channel, a repo, a folder, a calendar. */
export interface DiscoveredResource {
  id: string;
  name: string;
  kind: string;
  description?: string;
  metadata?: Record<string, unknown>;
}

export interface CheckResult {
  ok: boolean;
  /** Why not, in words that say what to fix ("token revoked: connect again"). */
  message: string;
}

export interface Manifest<Config extends z.ZodType = z.ZodType, K extends z.ZodType = z.ZodType> extends ManifestData {
  /** The source's config; defaults and descriptions feed forms and docs. Mark secrets with `.meta({ secret: true })`. */
  config: Config;
  /** The checkpoint's shape; a stored checkpoint that does not parse triggers a clean full re-sync. */
  checkpoint: K;
  /**
   * Other accepted names of config keys, alias → canonical dotted path (`{ vault_path: 'vaultPath' }`): renamed
   * before validation; every other unknown key is refused (see {@link parseConfig}).
   */
  configAliases?: ConfigAliases;
  /** Features with their defaults, dependencies and (optionally) a zod schema of their own config. */
  features?: Record<string, FeatureDefinition>;
}

export interface ConnectorDefinition<
  Config extends z.ZodType = z.ZodType,
  K extends z.ZodType<Checkpoint> = z.ZodType<Checkpoint>,
> {
  manifest: Manifest<Config, K>;
  /** Connectivity and credentials: resolves `{ ok: false, message }` rather than throwing for expected failures. */
  check(ctx: ConnectorContext<z.output<Config>>): Promise<CheckResult>;
  /** Resources for pickers. */
  discover?(ctx: ConnectorContext<z.output<Config>>): Promise<DiscoveredResource[]>;
  /**
   * Reads upstream and yields pages. Each page's checkpoint covers everything up to and including it; resume
   * exactly from `ctx.checkpoint`; never buffer a whole history.
   */
  read(ctx: ReadContext<z.output<Config>, z.output<K>>): AsyncIterable<Page<z.output<K>>>;
  /**
   * Watches upstream for changes in real time (IMAP IDLE, a file watcher …) until `ctx.signal` aborts, calling
   * `onChange` (with hints for a narrower sync) whenever something changed. The host turns each call into an
   * incremental sync (debounced). Never reads items itself: `read()` stays the only path to the store.
   */
  watch?(ctx: ConnectorContext<z.output<Config>>, onChange: (hints?: Record<string, unknown>) => void): Promise<void>;
  /** Verifies and interprets a webhook delivery for this source. */
  webhook?(ctx: WebhookContext<z.output<Config>>, request: WebhookRequest): Promise<WebhookOutcome>;
  /**
   * Push channels that expire (Google `changes.watch`, `events.watch`, Gmail `users.watch` …): when a sync must
   * run to renew them (epoch ms), read from the committed checkpoint and state; `undefined` when none is open. The
   * scheduler enqueues a sync with hints `{ [PUSH_RENEWAL_HINT]: true }` at that time even for a source without a
   * schedule, and `read()` renews what expires soon (persisting the new expiry with its pages). Called on every
   * scheduler tick after a run changed the source: keep it cheap (no network).
   */
  pushRenewAt?(view: PushView<z.output<Config>, z.output<K>>): Promise<number | undefined>;
  /**
   * The source is being removed: release what it holds upstream (stop push channels, delete a subscription).
   * Best effort: the engine logs a failure as a warning and removes the source anyway; `ctx.signal` aborts after a
   * few seconds.
   */
  onRemove?(ctx: LifecycleContext<z.output<Config>, z.output<K>>): Promise<void>;
}

/** The hint a push-renewal sync carries (connectors may use it to renew even without other work). */
export const PUSH_RENEWAL_HINT = 'pushRenewal';

/** What {@link ConnectorDefinition.pushRenewAt} sees: config and the committed checkpoint and state. */
export interface PushView<C = unknown, K extends Checkpoint = Checkpoint> {
  config: C;
  checkpoint: K | undefined;
  state: ConnectorState;
  now: number;
}

/** A connector context with the source's committed checkpoint and state (lifecycle hooks such as `onRemove`). */
export interface LifecycleContext<C = unknown, K extends Checkpoint = Checkpoint> extends ConnectorContext<C> {
  checkpoint: K | undefined;
  state: ConnectorState;
}

/** Any connector, whatever its config type (the registry and engine hold these). */
export type AnyConnector = ConnectorDefinition<any, any>;

/**
 * Declares a connector. Only checks and tags the value; no base class, no registration side effect.
 * @throws TributaryError `invalid_config` when the manifest is malformed (names the field).
 */
export function defineConnector<Config extends z.ZodType, K extends z.ZodType<Checkpoint>>(
  definition: ConnectorDefinition<Config, K>,
): ConnectorDefinition<Config, K> {
  return { ...definition, manifest: checkManifest(definition.manifest) };
}

/**
 * Declares a manifest on its own (in a connector's `manifest.ts`), so the registry can list the connector and
 * validate sources without importing its code (see lazy-connector.ts). Types only; `defineConnector` checks it.
 */
export function defineManifest<Config extends z.ZodType, K extends z.ZodType<Checkpoint>>(
  manifest: Manifest<Config, K>,
): Manifest<Config, K> {
  return manifest;
}

/**
 * A manifest checked and completed with its defaults (what `defineConnector` stores).
 * @throws TributaryError `invalid_config` when it is malformed (names the field).
 */
export function checkManifest<Config extends z.ZodType, K extends z.ZodType<Checkpoint>>(
  manifest: Manifest<Config, K>,
): Manifest<Config, K> {
  const { config, checkpoint, ...data } = manifest;
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error.issues, 'manifest');
    throw new TributaryError(
      'invalid_config',
      `Connector manifest of "${data.name}" is invalid: ${formatIssues(issues)}`,
      { issues },
    );
  }
  if (!(config instanceof z.ZodType))
    throw new TributaryError('invalid_config', `Connector "${data.name}": manifest.config must be a zod schema`);
  if (!(checkpoint instanceof z.ZodType))
    throw new TributaryError('invalid_config', `Connector "${data.name}": manifest.checkpoint must be a zod schema`);
  for (const f of Object.keys(parsed.data.features)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(f))
      throw new TributaryError('invalid_config', `Connector "${data.name}": feature name "${f}" must be camelCase`);
  }
  // The data schema strips each feature's zod `config`: put it back beside the parsed data.
  const features: Record<string, FeatureDefinition> = {};
  for (const [f, spec] of Object.entries(parsed.data.features)) {
    const schema = manifest.features?.[f]?.config;
    features[f] = schema === undefined ? spec : { ...spec, config: schema };
  }
  assertFeatureDefinitions({ name: data.name, features });
  return { ...manifest, ...parsed.data, features, config, checkpoint };
}

/**
 * Validates a source's config against a connector: aliases renamed to their keys, unknown keys refused (with the
 * key most likely meant), then the schema.
 * @throws TributaryError `invalid_config` listing each bad field ("config.rootDir: Required", "config.pasword:
 * unknown key (did you mean "password"?)")
 */
export function parseConfig<C extends z.ZodType>(
  connector: { manifest: { name: string; config: C; configAliases?: ConfigAliases } },
  raw: unknown,
): z.output<C> {
  const input = canonicalConfig(connector, raw);
  assertKnownConfigKeys(connector.manifest.name, connector.manifest.config, input);
  const result = connector.manifest.config.safeParse(input);
  if (!result.success) {
    const issues = zodIssues(result.error.issues, 'config');
    throw new TributaryError(
      'invalid_config',
      `Invalid config for ${connector.manifest.name}: ${formatIssues(issues)}`,
      { issues },
    );
  }
  return result.data;
}

/**
 * A source's config with the keys users may write renamed to the connector's own (`db_path` → `dbPath`, explicit
 * `manifest.configAliases`); values, defaults and unknown keys untouched. Store this, so secret fields are found by
 * their canonical path and a stored config compares equal to its declaration.
 * @throws TributaryError `invalid_config` when one setting is given under two names
 */
export function canonicalConfig(
  connector: { manifest: { config: z.ZodType; configAliases?: ConfigAliases } },
  raw: unknown,
): Record<string, unknown> {
  return canonicalConfigKeys(connector.manifest.config, raw ?? {}, connector.manifest.configAliases) as Record<
    string,
    unknown
  >;
}

/**
 * Validates a stored checkpoint. A checkpoint of the wrong shape is not fatal: the caller starts a full re-sync.
 * @returns the checkpoint, or `undefined` with `invalid` true when it did not parse.
 */
export function parseCheckpoint<K extends z.ZodType>(
  connector: { manifest: { checkpoint: K } },
  raw: unknown,
): { checkpoint: z.output<K> | undefined; invalid: boolean; reason?: string } {
  if (raw === undefined || raw === null) return { checkpoint: undefined, invalid: false };
  const result = connector.manifest.checkpoint.safeParse(raw);
  if (result.success) return { checkpoint: result.data, invalid: false };
  return { checkpoint: undefined, invalid: true, reason: formatIssues(zodIssues(result.error.issues, 'checkpoint')) };
}

/** Feature flags of a source: manifest defaults, overridden by the source's own settings (unknown names refused). */
export function resolveFeatures(
  manifest: { name: string; features?: Record<string, { default: boolean }> },
  overrides: Record<string, boolean> = {},
): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [name, spec] of Object.entries(manifest.features ?? {})) out[name] = spec.default;
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in (manifest.features ?? {}))) {
      const known = Object.keys(manifest.features ?? {});
      throw new TributaryError(
        'invalid_config',
        `Unknown feature "${name}" for ${manifest.name}; known: ${known.length ? known.join(', ') : '(none)'}`,
        {
          issues: [{ path: `features.${name}`, message: 'unknown feature' }],
        },
      );
    }
    out[name] = value;
  }
  return out;
}
