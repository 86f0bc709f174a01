import { TributaryError } from '@tributary/sdk';
import type { KvStore } from '../store/types.js';
import { embeddingsConfigFromEnv, parseEmbeddingsConfig, type EmbeddingsConfig } from './config.js';
import { createEmbedder, type Embedder } from './embedder.js';

/**
 * Embeddings settings saved in the store (by `tributary apply` from the config file's `embeddings` section, or
 * `PUT /api/v1/settings/embeddings`), read when a process starts. The `TRIBUTARY_EMBEDDINGS_*` variables win over
 * them. An API key is never stored: it comes from `TRIBUTARY_EMBEDDINGS_API_KEY` at start-up.
 */
const NS = 'settings';
const KEY = 'embeddings';
const FOREVER = 100 * 365 * 24 * 3600_000;

/**
 * Validates settings to save.
 * @throws TributaryError `invalid_config` per bad field; an `apiKey` is refused (it belongs in the environment)
 */
export function parseEmbeddingsSettings(raw: unknown, prefix = 'embeddings'): EmbeddingsConfig {
  const config = parseEmbeddingsConfig(raw, prefix);
  if (config.provider === 'openai' && config.apiKey !== undefined)
    throw new TributaryError(
      'invalid_config',
      'An embeddings API key is not saved with the settings: set TRIBUTARY_EMBEDDINGS_API_KEY in the environment of the server instead.',
      { issues: [{ path: `${prefix}.apiKey`, message: 'set TRIBUTARY_EMBEDDINGS_API_KEY instead' }] },
    );
  return config;
}

export async function loadEmbeddingsSettings(store: Pick<KvStore, 'kvGet'>): Promise<EmbeddingsConfig | undefined> {
  const raw = await store.kvGet<unknown>(NS, KEY);
  if (raw === undefined || raw === null) return undefined;
  const parsed = parseEmbeddingsConfig(raw);
  return parsed;
}

/** Saves validated settings (null clears them: vector search off unless the environment configures it). */
export async function saveEmbeddingsSettings(
  store: Pick<KvStore, 'kvPut'>,
  raw: unknown,
): Promise<EmbeddingsConfig | null> {
  if (raw === null) {
    await store.kvPut(NS, KEY, null, FOREVER);
    return null;
  }
  const config = parseEmbeddingsSettings(raw);
  await store.kvPut(NS, KEY, config, FOREVER);
  return config;
}

/** What a process embeds with: the environment's config, else the saved settings; where it came from. */
export async function resolveEmbeddings(
  env: Record<string, string | undefined>,
  store: Pick<KvStore, 'kvGet'>,
): Promise<{ config: EmbeddingsConfig; origin: 'environment' | 'settings' } | undefined> {
  const fromEnv = embeddingsConfigFromEnv(env);
  if (fromEnv) return { config: fromEnv, origin: 'environment' };
  const saved = await loadEmbeddingsSettings(store);
  if (!saved) return undefined;
  const apiKey = env.TRIBUTARY_EMBEDDINGS_API_KEY?.trim();
  return {
    config: saved.provider === 'openai' && apiKey ? { ...saved, apiKey } : saved,
    origin: 'settings',
  };
}

/** The embedder {@link resolveEmbeddings} selects, or undefined (vector search off). */
export async function embedderFromSettings(
  env: Record<string, string | undefined>,
  store: Pick<KvStore, 'kvGet'>,
): Promise<Embedder | undefined> {
  const resolved = await resolveEmbeddings(env, store);
  return resolved && createEmbedder(resolved.config);
}

/** The settings as shown to users (status, API): never an API key. */
export function describeEmbeddings(config: EmbeddingsConfig): Record<string, unknown> {
  const { apiKey, ...rest } = config as EmbeddingsConfig & { apiKey?: string };
  return apiKey ? { ...rest, apiKey: '(set)' } : rest;
}
