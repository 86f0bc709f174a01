import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { TributaryError } from '@tributary/sdk/errors';
import {
  assertK,
  assertVector,
  unknownModel,
  type VectorFilter,
  type VectorIndex,
  type VectorMatch,
  type VectorModel,
  type VectorQuery,
  type VectorScope,
} from '../vector-port.js';
import { createAnnSide, type HnswOptions } from './vectors-ann.js';

export interface SqliteVectorOptions {
  /**
   * The HNSW side index (vectors-ann.ts): from `min` vectors of a model on (default 20,000), a search that is not
   * `exact` walks the graph once a worker thread has built it; until then it scans exactly. On by default for a
   * database file (`TRIBUTARY_VECTOR_ANN_MIN`, docs/search.md); `false` turns it off (every search is sqlite-vec's
   * exact scan, or the binary path below). An in-memory database has no graph: a worker cannot open it.
   */
  hnsw?: HnswOptions | false;
  /**
   * Only without `hnsw`: from this many vectors of a model on, a search (unless `exact`) first takes candidates by Hamming distance over
   * binary-quantized vectors, then re-ranks them by exact cosine distance. Below it every search is exact (sqlite-vec's
   * scan). Only models whose dimension is a multiple of 8 have the binary column. Off by default: measured
   * (docs/search.md), it is 4× faster at 1M vectors but its recall@10 falls with the corpus (1.0 at 100k, 0.83 at
   * 300k, 0.59 at 1M with 16× oversampling), and more candidates cost more than the scan, since each re-rank lookup
   * reads a whole vec0 chunk.
   * @default Infinity (always exact)
   */
  binaryMin?: number;
  /** Candidates taken per wanted neighbour on the binary path (recall against cost; see the bench). @default 16 */
  binaryOversample?: number;
}

/** The most graph neighbours a filtered search walks before it scans exactly (cost grows with it; see the bench). */
const GRAPH_MAX_WANT = 4000;

/** A filtered graph search walks at least this many neighbours per wanted one. */
const FILTER_MIN_OVERSAMPLE = 10;

/**
 * A filtered walk is trusted when its k-th allowed hit lies in the first 1/TRUST_DEPTH of it. Measured at 100k
 * (one owner of ten whose topics are mostly not the query's, recall@10 against exact): first half 0.955, first
 * quarter 0.98, first eighth 0.99 — each step sends more queries to the exact filtered scan.
 */
const TRUST_DEPTH = 4;

/** sqlite-vec's KNN takes at most 4096 neighbours per query. */
const VEC_MAX_K = 4096;

/** The vector port on sqlite-vec, with the HNSW side index's lifecycle. */
export interface SqliteVectorIndex extends VectorIndex {
  /** Saves the changed graphs and ends their workers (the store's close). */
  close(): Promise<void>;
  /** Resolves once the model's graph holds every vector SQLite does (benches, tests); at once without a graph. */
  graphReady(modelId: string): Promise<void>;
  /** Whether the model's graph is being rebuilt from vec0 right now. */
  graphBuilding(modelId: string): boolean;
}

/**
 * sqlite-vec's CommonJS entry, required when a store opens. Its ES module (a static import) cost every CLI start
 * ~7 ms of CPU, most of it `import.meta.resolve` of the platform package; the CommonJS one finds it in ~2 ms.
 */
const requireSqliteVec = (): typeof import('sqlite-vec') => createRequire(import.meta.url)('sqlite-vec');

/** Loads the sqlite-vec extension (shipped in the npm package for the platform; nothing is downloaded). */
export function loadSqliteVec(db: Database.Database): void {
  try {
    requireSqliteVec().load(db);
  } catch (err) {
    throw new TributaryError(
      'store_unavailable',
      `The sqlite-vec extension could not be loaded (${(err as Error).message}); reinstall with the platform package (sqlite-vec-<os>-<arch>).`,
      { cause: err },
    );
  }
}

const f32 = (v: ArrayLike<number>): Buffer => Buffer.from(Float32Array.from(v).buffer);

/**
 * The vector port on sqlite-vec, in the store's own SQLite file: one `vec0` table per model (`vec_m<n>`, rowid =
 * `vector_points.id`, cosine distance), with a `bit[D]` column of the binary-quantized vector for the approximate
 * path. Scopes live in `vector_scopes`; a filter becomes a `rowid IN (…)` constraint of the KNN query itself, so the
 * k nearest are taken among the allowed vectors only. Requires {@link loadSqliteVec} on `db`.
 */
export function createSqliteVectorIndex(
  db: Database.Database,
  now: () => string,
  options: SqliteVectorOptions = {},
  dbPath: string | null = null,
): SqliteVectorIndex {
  const binaryMin = options.binaryMin ?? Number.POSITIVE_INFINITY;
  const oversample = Math.max(1, options.binaryOversample ?? 16);
  const onDisk = dbPath !== null && dbPath !== '' && dbPath !== ':memory:' && !dbPath.startsWith('file:');
  const hnsw = options.hnsw === false || !onDisk ? null : (options.hnsw ?? {});
  const annMin = hnsw ? (hnsw.min ?? 20_000) : Number.POSITIVE_INFINITY;
  const annOversample = Math.max(1, hnsw?.oversample ?? 3);
  const ann = hnsw ? createAnnSide(db, dbPath!, hnsw) : null;
  const modelRow = db.prepare(`SELECT id, dimensions, tbl FROM vector_models WHERE id = ?`);
  const pointId = db.prepare(`SELECT id FROM vector_points WHERE model = ? AND hash = ?`).pluck();
  const insertPoint = db.prepare(`INSERT INTO vector_points (model, hash) VALUES (?, ?) RETURNING id`).pluck();
  const deletePoint = db.prepare(`DELETE FROM vector_points WHERE id = ?`);
  const clearScopes = db.prepare(`DELETE FROM vector_scopes WHERE point_id = ?`);
  const addScope = db.prepare(`INSERT OR IGNORE INTO vector_scopes (point_id, owner_id, source_id) VALUES (?, ?, ?)`);
  const countModel = db.prepare(`SELECT count(*) FROM vector_points WHERE model = ?`).pluck();

  interface Model {
    id: string;
    dimensions: number;
    tbl: number;
    table: string;
    binary: boolean;
  }
  const cache = new Map<string, Model>();
  const model = (id: string): Model => {
    let m = cache.get(id);
    if (!m) {
      const row = modelRow.get(id) as { id: string; dimensions: number; tbl: number } | undefined;
      if (!row) throw unknownModel(id);
      m = { id, dimensions: row.dimensions, tbl: row.tbl, table: `vec_m${row.tbl}`, binary: row.dimensions % 8 === 0 };
      cache.set(id, m);
    }
    return m;
  };

  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };

  /** The allowed rowids as a subquery and as conditions on `vector_scopes`, with its parameters (empty: no filter). */
  const scopeSql = (filter: VectorFilter | undefined): { sql: string; where: string; params: unknown[] } => {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (filter?.ownerId !== undefined) {
      parts.push('owner_id = ?');
      params.push(filter.ownerId);
    }
    if (filter?.sourceIds) {
      parts.push('source_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.sourceIds));
    }
    const where = parts.join(' AND ');
    return parts.length
      ? { sql: `SELECT point_id FROM vector_scopes WHERE ${where}`, where, params }
      : { sql: '', where, params };
  };

  const writeScopes = (id: number, scopes: VectorScope[]): void => {
    clearScopes.run(id);
    for (const s of scopes) addScope.run(id, s.ownerId, s.sourceId);
  };

  const upsert = db.transaction((m: Model, points: Array<{ hash: string; vector: Buffer; scopes: VectorScope[] }>) => {
    const ids: number[] = [];
    const insertVec = stmt(
      m.binary
        ? `INSERT INTO ${m.table} (rowid, embedding, bits) VALUES (?, ?, vec_quantize_binary(?))`
        : `INSERT INTO ${m.table} (rowid, embedding) VALUES (?, ?)`,
    );
    const deleteVec = stmt(`DELETE FROM ${m.table} WHERE rowid = ?`);
    for (const p of points) {
      let id = pointId.get(m.id, p.hash) as number | undefined;
      if (id === undefined) id = insertPoint.get(m.id, p.hash) as number;
      else deleteVec.run(BigInt(id));
      if (m.binary) insertVec.run(BigInt(id), p.vector, p.vector);
      else insertVec.run(BigInt(id), p.vector);
      writeScopes(id, p.scopes);
      ids.push(id);
    }
    return { ids, generation: ann?.bump(m.tbl) ?? 0 };
  });

  const remove = db.transaction((m: Model, hashes: string[]) => {
    const deleteVec = stmt(`DELETE FROM ${m.table} WHERE rowid = ?`);
    const ids: number[] = [];
    for (const hash of hashes) {
      const id = pointId.get(m.id, hash) as number | undefined;
      if (id === undefined) continue;
      deleteVec.run(BigInt(id));
      deletePoint.run(id);
      ids.push(id);
    }
    return { ids, generation: ids.length && ann ? ann.bump(m.tbl) : 0 };
  });

  const setScopes = db.transaction((m: Model, entries: Array<{ hash: string; scopes: VectorScope[] }>): number => {
    let n = 0;
    for (const e of entries) {
      const id = pointId.get(m.id, e.hash) as number | undefined;
      if (id === undefined) continue;
      writeScopes(id, e.scopes);
      n++;
    }
    return n;
  });

  /** The KNN query of sqlite-vec on one column, limited to the filter's rowids: [rowid, distance] nearest first. */
  function knn(
    m: Model,
    column: 'embedding' | 'bits',
    q: Buffer,
    k: number,
    filter?: VectorFilter,
  ): Array<[number, number]> {
    const scope = scopeSql(filter);
    const match = column === 'bits' ? 'bits MATCH vec_quantize_binary(?)' : 'embedding MATCH ?';
    const sql = `SELECT rowid, distance FROM ${m.table} WHERE ${match} AND k = ?${scope.sql ? ` AND rowid IN (${scope.sql})` : ''}`;
    return (
      stmt(sql)
        .raw(true)
        .all(q, k, ...scope.params) as Array<[number | bigint, number]>
    ).map(([id, d]) => [Number(id), d]);
  }

  /**
   * Exact cosine distances of candidates, one point lookup each: vec0 answers `rowid = ?` from its chunk directly,
   * while `rowid IN (…)` scans the whole table (measured: 160 candidates of 50k, 12 ms against 81 ms).
   */
  function rescore(m: Model, q: Buffer, ids: number[]): Array<[number, number]> {
    const one = stmt(`SELECT vec_distance_cosine(embedding, ?) FROM ${m.table} WHERE rowid = ?`).pluck();
    return ids.map((id) => [id, one.get(q, BigInt(id)) as number]);
  }

  // The size decides the path; counting a million rows per query would cost more than the path saves. Refreshed
  // every 10 s (another process may write too): a model near the threshold may take either path meanwhile.
  const sizes = new Map<string, { n: number; at: number }>();
  const modelSize = (id: string): number => {
    const seen = sizes.get(id);
    if (seen && Date.now() - seen.at < 10_000) return seen.n;
    const n = countModel.get(id) as number;
    sizes.set(id, { n, at: Date.now() });
    return n;
  };

  const hashesOf = (ids: number[]): Map<number, string> =>
    new Map(
      (
        stmt(`SELECT id, hash FROM vector_points WHERE id IN (SELECT value FROM json_each(?))`)
          .raw(true)
          .all(JSON.stringify(ids)) as Array<[number, string]>
      ).map(([id, hash]) => [Number(id), hash]),
    );

  // The share of vectors a filter allows, over all models (scopes are per point, the mix is alike across models):
  // what a filtered graph search needs to walk. Refreshed like the sizes.
  const shares = new Map<string, { share: number; at: number }>();
  const shareOf = (filter: VectorFilter): number => {
    const key = JSON.stringify([filter.ownerId ?? null, filter.sourceIds ?? null]);
    const seen = shares.get(key);
    if (seen && Date.now() - seen.at < 10_000) return seen.share;
    const scope = scopeSql(filter);
    const allowed = stmt(`SELECT count(*) FROM vector_scopes WHERE ${scope.where}`)
      .pluck()
      .get(...scope.params) as number;
    const total = stmt(`SELECT count(*) FROM vector_scopes`).pluck().get() as number;
    const share = total ? allowed / total : 0;
    shares.set(key, { share, at: Date.now() });
    return share;
  };

  /**
   * The HNSW walk, in the model's graph worker; null when the graph moved on meanwhile (the caller scans exactly).
   * With a filter the graph has no notion of scopes: the walk takes `oversample × k ÷ share` neighbours (share: the
   * fraction of vectors the filter allows; at least 10 × k) and keeps those live in the filter's places (checked in
   * SQLite, so another owner's vector never passes). Its answer is trusted only when the k-th allowed hit lies in
   * the first quarter of the walk: the graph's recall at depth d is below its recall at 10, so the allowed must sit
   * well inside the walk. When they do not — fewer than k survive, or the filter's places are far from the query
   * (an owner whose documents are about other topics: the allowed are sparser near the query than the share says) —
   * the walk widens 4× at a time up to {@link GRAPH_MAX_WANT}, then the exact filtered scan answers. A filter so
   * selective that its first walk would exceed that (one small source among many) is scanned exactly at once.
   */
  async function graphSearch(
    m: Model,
    query: VectorQuery,
    q: Buffer,
    generation: number,
  ): Promise<Array<[number, number]> | null> {
    const vector = Float32Array.from(new Float32Array(q.buffer, q.byteOffset, m.dimensions));
    const scope = scopeSql(query.filter);
    if (!scope.sql) return ann!.search(m.tbl, generation, vector, query.k);
    const share = shareOf(query.filter!);
    let want = Math.max(query.k * FILTER_MIN_OVERSAMPLE, Math.ceil((query.k * annOversample) / Math.max(share, 1e-9)));
    if (want > GRAPH_MAX_WANT) return knn(m, 'embedding', q, query.k, query.filter);
    const allowedOf = stmt(
      `SELECT DISTINCT point_id FROM vector_scopes WHERE point_id IN (SELECT value FROM json_each(?)) AND ${scope.where}`,
    ).pluck();
    for (;;) {
      const nearest = await ann!.search(m.tbl, generation, vector, want);
      if (!nearest) return null;
      const allowed = new Set(
        (allowedOf.all(JSON.stringify(nearest.map(([id]) => id)), ...scope.params) as number[]).map(Number),
      );
      const kept: Array<[number, number]> = [];
      let kthAt = -1;
      nearest.forEach((hit, i) => {
        if (!allowed.has(hit[0])) return;
        kept.push(hit);
        if (kept.length === query.k) kthAt = i;
      });
      // Fewer than asked for: the whole graph was walked, nothing more is allowed.
      if (nearest.length < want) return kept;
      if (kthAt >= 0 && kthAt < want / TRUST_DEPTH) return kept;
      if (want >= GRAPH_MAX_WANT) return knn(m, 'embedding', q, query.k, query.filter);
      want = Math.min(GRAPH_MAX_WANT, want * 4);
    }
  }

  /** The graph's generation to search at, or null (exact scan): not built yet, or being built, or out of step. */
  async function graphGeneration(m: Model): Promise<number | null> {
    if (hnsw?.waitForGraph) return ann!.ready(m.tbl, m.table, m.dimensions);
    return ann!.usable(m.tbl, m.table, m.dimensions);
  }

  return {
    backend: 'sqlite-vec',
    close: async () => ann?.close(),
    graphReady: async (modelId: string) => {
      const m = model(modelId);
      if (ann) await ann.ready(m.tbl, m.table, m.dimensions);
    },
    graphBuilding: (modelId: string) => (ann ? ann.building(model(modelId).tbl) : false),

    async ensureModel(spec: VectorModel) {
      if (!Number.isInteger(spec.dimensions) || spec.dimensions < 1 || spec.dimensions > 8192)
        throw new TributaryError(
          'invalid_config',
          `An embedding dimension must be a whole number from 1 to 8192 (got ${spec.dimensions}).`,
        );
      db.transaction(() => {
        const row = modelRow.get(spec.id) as { dimensions: number } | undefined;
        if (row) {
          if (row.dimensions !== spec.dimensions)
            throw new TributaryError(
              'invalid_config',
              `Vectors of the model "${spec.id}" are stored with ${row.dimensions} dimensions, not ${spec.dimensions}; use another model id or drop its vectors (reindex --embeddings).`,
            );
          return;
        }
        const tbl = (db.prepare(`SELECT coalesce(max(tbl), 0) + 1 FROM vector_models`).pluck().get() as number) ?? 1;
        const binary = spec.dimensions % 8 === 0 ? `, bits bit[${spec.dimensions}]` : '';
        db.exec(
          `CREATE VIRTUAL TABLE vec_m${tbl} USING vec0(embedding float[${spec.dimensions}] distance_metric=cosine${binary})`,
        );
        db.prepare(`INSERT INTO vector_models (id, dimensions, tbl, created_at) VALUES (?, ?, ?, ?)`).run(
          spec.id,
          spec.dimensions,
          tbl,
          now(),
        );
      }).immediate();
    },

    async models() {
      // Every search reports coverage from this: counts come from the 10 s cache (exact after this process's writes).
      const rows = db.prepare(`SELECT id, dimensions FROM vector_models ORDER BY tbl`).all() as Array<{
        id: string;
        dimensions: number;
      }>;
      return rows.map((r) => ({ id: r.id, dimensions: r.dimensions, count: modelSize(r.id) }));
    },

    async upsert(modelId, points) {
      const m = model(modelId);
      const rows = points.map((p) => {
        assertVector(p.vector, m.dimensions);
        return { hash: p.hash, vector: f32(p.vector), scopes: p.scopes };
      });
      const done = upsert.immediate(m, rows);
      sizes.delete(modelId);
      if (ann) {
        // The worker adds them (a replaced vector is removed first) when its graph was current just before.
        const matrix = new Float32Array(rows.length * m.dimensions);
        rows.forEach((r, i) =>
          matrix.set(new Float32Array(r.vector.buffer, r.vector.byteOffset, m.dimensions), i * m.dimensions),
        );
        ann.applied(m.tbl, {
          generation: done.generation,
          add: { keys: BigUint64Array.from(done.ids.map(BigInt)), matrix },
        });
      }
    },

    async setScopes(modelId, entries) {
      return setScopes.immediate(model(modelId), entries);
    },

    async has(modelId, hashes) {
      const m = model(modelId);
      if (!hashes.length) return new Set();
      const found = stmt(`SELECT hash FROM vector_points WHERE model = ? AND hash IN (SELECT value FROM json_each(?))`)
        .pluck()
        .all(m.id, JSON.stringify(hashes)) as string[];
      return new Set(found);
    },

    async delete(modelId, hashes) {
      const m = model(modelId);
      const done = remove.immediate(m, hashes);
      sizes.delete(modelId);
      if (done.ids.length)
        ann?.applied(m.tbl, { generation: done.generation, remove: BigUint64Array.from(done.ids.map(BigInt)) });
      return done.ids.length;
    },

    async dropModel(modelId) {
      const row = modelRow.get(modelId) as { tbl: number } | undefined;
      if (!row) return;
      db.transaction(() => {
        db.exec(`DROP TABLE IF EXISTS vec_m${row.tbl}`);
        db.prepare(`DELETE FROM vector_points WHERE model = ?`).run(modelId);
        db.prepare(`DELETE FROM vector_models WHERE id = ?`).run(modelId);
      }).immediate();
      await ann?.drop(row.tbl);
      cache.delete(modelId);
      sizes.delete(modelId);
    },

    async search(modelId, query: VectorQuery): Promise<VectorMatch[]> {
      const m = model(modelId);
      assertVector(query.vector, m.dimensions, 'The query vector');
      assertK(query.k);
      const q = f32(query.vector);
      const size = query.exact ? 0 : modelSize(m.id);
      const graphed = ann !== null && size > 0 && size >= annMin;
      const generation = graphed ? await graphGeneration(m) : null;
      const fromGraph = generation !== null ? await graphSearch(m, query, q, generation) : null;
      const approximate = !query.exact && !graphed && m.binary && size >= binaryMin;
      // Approximate: Hamming candidates over 1 bit per dimension (32× less to scan), re-ranked by exact cosine.
      const nearest = fromGraph
        ? fromGraph
        : approximate
          ? rescore(
              m,
              q,
              knn(m, 'bits', q, Math.min(VEC_MAX_K, query.k * oversample), query.filter).map(([id]) => id),
            )
          : knn(m, 'embedding', q, query.k, query.filter);
      if (!nearest.length) return [];
      const hashes = hashesOf(nearest.map(([id]) => id));
      // A vector deleted while the graph answered has no hash any more: it is left out.
      const rows = nearest.flatMap(([id, distance]) => {
        const hash = hashes.get(id);
        return hash === undefined ? [] : [{ hash, distance }];
      });
      rows.sort((a, b) => a.distance - b.distance || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
      return rows.slice(0, query.k);
    },

    async count(modelId, filter) {
      const m = model(modelId);
      const scope = scopeSql(filter);
      if (!scope.sql) return countModel.get(m.id) as number;
      return stmt(`SELECT count(*) FROM vector_points WHERE model = ? AND id IN (${scope.sql})`)
        .pluck()
        .get(m.id, ...scope.params) as number;
    },
  };
}
