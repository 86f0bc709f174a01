import { z } from 'zod';
import { formatIssues, TributaryError, zodIssues } from '@tributary/sdk';
import type { MemoryStore } from '@tributary/engine';
import type { QdrantVectorOptions } from '@tributary/engine/store/qdrant/index';
import { qdrantOptionsFromEnv } from '@tributary/engine/store/qdrant/from-env';

/**
 * Qdrant as the vector backend, saved in the store beside the embeddings settings (the config file's `qdrant`
 * section through `tributary apply`, `tributary embeddings qdrant`, `PUT /api/v1/settings/qdrant`) and read when a
 * process starts. `TRIBUTARY_QDRANT_URL` wins over them; the API key is never saved: it stays in
 * `TRIBUTARY_QDRANT_API_KEY` (docs/embeddings.md).
 */
export const QdrantSettingsSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .describe("Qdrant's REST endpoint (port 6333), e.g. http://qdrant:6333; no user:password@ in it."),
    collectionPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, '1 to 64 letters, digits, "_" or "-"')
      .optional()
      .describe("Names this deployment's collections (<prefix>_models, <prefix>_v_<model>). @default tributary"),
  })
  .describe('Vectors in Qdrant instead of the store (sqlite-vec / pgvector). The API key: TRIBUTARY_QDRANT_API_KEY.');
export type QdrantSettings = z.output<typeof QdrantSettingsSchema>;

const NS = 'settings';
const KEY = 'qdrant';
const FOREVER = 100 * 365 * 24 * 3600_000;

/**
 * Validates Qdrant settings to save.
 * @throws TributaryError `invalid_config` per bad field; an `apiKey` is refused (it belongs in the environment), as
 *   is a URL with credentials in it
 */
export function parseQdrantSettings(raw: unknown, prefix = 'qdrant'): QdrantSettings {
  if (raw && typeof raw === 'object' && 'apiKey' in raw)
    throw new TributaryError(
      'invalid_config',
      'A Qdrant API key is not saved with the settings: set TRIBUTARY_QDRANT_API_KEY in the environment of the server instead.',
      { issues: [{ path: `${prefix}.apiKey`, message: 'set TRIBUTARY_QDRANT_API_KEY instead' }] },
    );
  const parsed = QdrantSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error.issues, prefix);
    throw new TributaryError('invalid_config', `Invalid Qdrant settings: ${formatIssues(issues)}`, { issues });
  }
  const url = new URL(parsed.data.url);
  if (url.username || url.password)
    throw new TributaryError(
      'invalid_config',
      'The Qdrant URL must not carry credentials: put the API key in TRIBUTARY_QDRANT_API_KEY.',
      { issues: [{ path: `${prefix}.url`, message: 'no user:password@' }] },
    );
  return parsed.data;
}

export async function loadQdrantSettings(store: Pick<MemoryStore, 'kvGet'>): Promise<QdrantSettings | undefined> {
  const raw = await store.kvGet<unknown>(NS, KEY);
  return raw === undefined || raw === null ? undefined : parseQdrantSettings(raw);
}

/** Saves validated settings (null clears them: vectors go back to the store unless the environment names Qdrant). */
export async function saveQdrantSettings(
  store: Pick<MemoryStore, 'kvPut'>,
  raw: unknown,
): Promise<QdrantSettings | null> {
  const settings = raw === null ? null : parseQdrantSettings(raw);
  await store.kvPut(NS, KEY, settings, FOREVER);
  return settings;
}

/** What a process uses: `TRIBUTARY_QDRANT_*` when the URL is set, else the saved settings (API key from the env). */
export async function resolveQdrant(
  env: Record<string, string | undefined>,
  store: Pick<MemoryStore, 'kvGet'>,
): Promise<QdrantVectorOptions | undefined> {
  const fromEnv = qdrantOptionsFromEnv(env);
  if (fromEnv) return fromEnv;
  const saved = await loadQdrantSettings(store);
  if (!saved) return undefined;
  const apiKey = env.TRIBUTARY_QDRANT_API_KEY?.trim();
  return {
    url: saved.url,
    ...(apiKey ? { apiKey } : {}),
    ...(saved.collectionPrefix ? { prefix: saved.collectionPrefix } : {}),
  };
}
