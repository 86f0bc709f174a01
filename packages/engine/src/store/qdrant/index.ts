import { createHash } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { TributaryError } from '@tributary/sdk';
import {
  assertK,
  assertVector,
  unknownModel,
  type VectorIndex,
  type VectorMatch,
  type VectorModel,
} from '../vector-port.js';
import { toQdrantError } from './errors.js';
import { INDEXED_FIELDS, pointId, qdrantFilter, scopePayload, type PointPayload } from './points.js';

export interface QdrantVectorOptions {
  /** The Qdrant server, e.g. `http://127.0.0.1:6333`. */
  url: string;
  /** Qdrant's API key (`api-key` header), when the server requires one. Never logged. */
  apiKey?: string;
  /**
   * Names this deployment's collections (`<prefix>_models`, `<prefix>_v_<model>`), so several deployments can
   * share one Qdrant. @default 'tributary'
   */
  prefix?: string;
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number;
}

/** Ids per retrieve/delete request. */
const ID_BATCH = 1000;

interface Registered {
  dimensions: number;
  collection: string;
}

/**
 * Qdrant as a vector backend, through the official `@qdrant/js-client-rest`. One collection per deployment and
 * embedding model (`<prefix>_v_<sha of the model id>`, cosine distance; a model change gets its own collection and
 * `dropModel` deletes the old one), owners and sources as indexed payload filters inside it, never a collection per
 * user. A small `<prefix>_models` collection records which model each collection holds and its dimension.
 * Qdrant being down or overloaded surfaces as retryable `upstream_unavailable` / `rate_limited`, so the embedding
 * backlog keeps its entries and retries: an outage queues, it never loses.
 */
export function createQdrantVectorIndex(options: QdrantVectorOptions): VectorIndex {
  const prefix = (options.prefix ?? 'tributary').replace(/[^A-Za-z0-9_-]/g, '_');
  const registry = `${prefix}_models`;
  const client = new QdrantClient({
    url: options.url,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    checkCompatibility: false,
    timeout: options.timeoutMs ?? 30_000,
  });
  const known = new Map<string, Registered>();
  let registryReady: Promise<void> | undefined;

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toQdrantError(err, what);
    }
  }

  const collectionOf = (model: string): string =>
    `${prefix}_v_${createHash('sha256').update(model).digest('hex').slice(0, 24)}`;

  async function ensureRegistry(): Promise<void> {
    registryReady ??= (async () => {
      const { exists } = await call('collection check', () => client.collectionExists(registry));
      if (!exists) await createCollection(registry, 1);
    })().catch((err: unknown) => {
      registryReady = undefined;
      throw err;
    });
    return registryReady;
  }

  async function createCollection(name: string, size: number): Promise<void> {
    try {
      await client.createCollection(name, { vectors: { size, distance: 'Cosine' } });
    } catch (err) {
      // Another process created it meanwhile: Qdrant answers 409.
      if ((err as { status?: unknown }).status !== 409) throw toQdrantError(err, `creating collection ${name}`);
    }
  }

  /** The model's registration, from cache or the registry; undefined when never ensured. */
  async function lookup(model: string): Promise<Registered | undefined> {
    const cached = known.get(model);
    if (cached) return cached;
    await ensureRegistry();
    const [point] = await call('model lookup', () =>
      client.retrieve(registry, { ids: [pointId(model)], with_payload: true, with_vector: false }),
    );
    const payload = point?.payload as { dimensions?: number; collection?: string } | undefined;
    if (!payload?.dimensions || !payload.collection) return undefined;
    const found = { dimensions: payload.dimensions, collection: payload.collection };
    known.set(model, found);
    return found;
  }

  async function registered(model: string): Promise<Registered> {
    const r = await lookup(model);
    if (!r) throw unknownModel(model);
    return r;
  }

  /** The hashes (of those asked) that have a point, with their point ids. */
  async function existing(collection: string, hashes: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unique = [...new Set(hashes)];
    for (let i = 0; i < unique.length; i += ID_BATCH) {
      const ids = unique.slice(i, i + ID_BATCH).map(pointId);
      const points = await call('retrieve', () =>
        client.retrieve(collection, { ids, with_payload: ['hash'], with_vector: false }),
      );
      for (const p of points) {
        const hash = (p.payload as { hash?: string } | null)?.hash;
        if (hash) found.set(hash, String(p.id));
      }
    }
    return found;
  }

  return {
    backend: 'qdrant',

    async ensureModel(model: VectorModel) {
      const current = await lookup(model.id);
      if (current && current.dimensions !== model.dimensions)
        throw new TributaryError(
          'invalid_config',
          `Qdrant already holds vectors of "${model.id}" with ${current.dimensions} dimensions, not ${model.dimensions}; drop that model's vectors (reindex --embeddings) or fix the configured dimension.`,
          { issues: [{ path: 'embeddings.dimensions', message: `stored vectors have ${current.dimensions}` }] },
        );
      const collection = current?.collection ?? collectionOf(model.id);
      const { exists } = await call('collection check', () => client.collectionExists(collection));
      if (!exists) {
        await createCollection(collection, model.dimensions);
        for (const field of INDEXED_FIELDS)
          await call('payload index', () =>
            client.createPayloadIndex(collection, { field_name: field, field_schema: 'keyword', wait: true }),
          );
      }
      if (!current)
        await call('model registration', () =>
          client.upsert(registry, {
            wait: true,
            points: [
              {
                id: pointId(model.id),
                vector: [1],
                payload: { model: model.id, dimensions: model.dimensions, collection },
              },
            ],
          }),
        );
      known.set(model.id, { dimensions: model.dimensions, collection });
    },

    async models() {
      await ensureRegistry();
      const out: Array<VectorModel & { count: number }> = [];
      let offset: string | number | undefined | null;
      do {
        const page = await call('model list', () =>
          client.scroll(registry, {
            limit: 256,
            with_payload: true,
            with_vector: false,
            ...(offset ? { offset } : {}),
          }),
        );
        for (const p of page.points) {
          const payload = p.payload as { model?: string; dimensions?: number; collection?: string } | null;
          if (!payload?.model || !payload.dimensions || !payload.collection) continue;
          const { count } = await call('count', () => client.count(payload.collection!, { exact: true }));
          out.push({ id: payload.model, dimensions: payload.dimensions, count });
        }
        offset = page.next_page_offset as string | number | null | undefined;
      } while (offset);
      return out;
    },

    async upsert(model, points) {
      const r = await registered(model);
      // Every vector is checked before Qdrant sees any: one bad vector changes nothing.
      for (const p of points) assertVector(p.vector, r.dimensions);
      if (!points.length) return;
      const byHash = new Map(points.map((p) => [p.hash, p]));
      await call('upsert', () =>
        client.upsert(r.collection, {
          wait: true,
          points: [...byHash.values()].map((p) => ({
            id: pointId(p.hash),
            vector: Array.from(p.vector),
            payload: { hash: p.hash, ...scopePayload(p.scopes) } satisfies PointPayload,
          })),
        }),
      );
    },

    async setScopes(model, entries) {
      const r = await registered(model);
      const found = await existing(
        r.collection,
        entries.map((e) => e.hash),
      );
      const operations = entries
        .filter((e) => found.has(e.hash))
        .map((e) => ({ set_payload: { payload: scopePayload(e.scopes), points: [found.get(e.hash)!] } }));
      for (let i = 0; i < operations.length; i += ID_BATCH) {
        const batch = operations.slice(i, i + ID_BATCH);
        await call('set scopes', () => client.batchUpdate(r.collection, { wait: true, operations: batch }));
      }
      return new Set(entries.filter((e) => found.has(e.hash)).map((e) => e.hash)).size;
    },

    async has(model, hashes) {
      const r = await registered(model);
      return new Set((await existing(r.collection, hashes)).keys());
    },

    async delete(model, hashes) {
      const r = await registered(model);
      const found = [...(await existing(r.collection, hashes)).values()];
      for (let i = 0; i < found.length; i += ID_BATCH) {
        const points = found.slice(i, i + ID_BATCH);
        await call('delete', () => client.delete(r.collection, { wait: true, points }));
      }
      return found.length;
    },

    async dropModel(model) {
      const r = await lookup(model);
      if (!r) return;
      await call('drop collection', () => client.deleteCollection(r.collection));
      await call('model unregistration', () => client.delete(registry, { wait: true, points: [pointId(model)] }));
      known.delete(model);
    },

    async search(model, query) {
      const r = await registered(model);
      assertVector(query.vector, r.dimensions, 'The query vector');
      assertK(query.k);
      const filter = qdrantFilter(query.filter);
      const res = await call('search', () =>
        client.query(r.collection, {
          query: Array.from(query.vector),
          limit: query.k,
          with_payload: ['hash'],
          ...(filter ? { filter } : {}),
          ...(query.exact ? { params: { exact: true } } : {}),
        }),
      );
      const matches: VectorMatch[] = res.points.map((p) => ({
        hash: String((p.payload as { hash?: string } | null)?.hash ?? p.id),
        distance: 1 - p.score,
      }));
      // Qdrant orders by score; ties are ordered by hash here, as the port promises.
      return matches.sort((a, b) => a.distance - b.distance || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    },

    async count(model, filter) {
      const r = await registered(model);
      const f = qdrantFilter(filter);
      const { count } = await call('count', () =>
        client.count(r.collection, { exact: true, ...(f ? { filter: f } : {}) }),
      );
      return count;
    },
  };
}
