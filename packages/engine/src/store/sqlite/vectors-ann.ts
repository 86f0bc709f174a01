import { closeSync, existsSync, openSync, readdirSync, renameSync, rmSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type * as USearch from 'usearch';
import { TributaryError } from '@tributary/sdk';
import { DATABASE_FILE_MODE } from './file-mode.js';

// usearch's ESM entry cannot find its own prebuilt binary (its directory walk never ends under ESM, measured with
// 2.25.3); the CommonJS entry resolves it from __dirname.
const usearch = createRequire(import.meta.url)('usearch') as typeof USearch;

/** HNSW tuning of the ANN side index (docs/search.md, "ANN index"). */
export interface HnswOptions {
  /** Vectors of a model from which a search walks the graph; exact below. @default 20000 */
  min?: number;
  /** M: links per node per layer (memory ≈ 2·M·4 bytes per vector on layer 0, recall against build time). @default 16 */
  connectivity?: number;
  /** ef at build: candidates kept while linking a new node. @default 128 */
  expansionAdd?: number;
  /** ef at search: candidates kept while walking (recall against latency; k above it raises it). @default 128 */
  expansionSearch?: number;
  /** Filtered searches take this many graph neighbours per wanted one, then keep the allowed. @default 10 */
  oversample?: number;
  /** A changed index is saved at most this often (and at close). @default 60000 */
  saveEveryMs?: number;
}

interface Loaded {
  index: USearch.Index;
  /** The generation of the model's vectors in SQLite this index reflects. */
  generation: number;
  dirty: boolean;
  savedAt: number;
}

/**
 * The ANN side index of sqlite-vec: one usearch HNSW graph per model, keyed by `vector_points.id`, in a file beside
 * the database (`<db>.ann-m<tbl>.g<generation>.usearch`, owner-only, so inside the data dir the path guard refuses to
 * connectors). sqlite-vec stays the source of truth: every write bumps the model's generation in `vector_ann` in its
 * own transaction, and a graph is used only when it reflects the current generation. One written by this process is
 * kept in step in memory; one whose file is missing or of another generation (a crash before the save, a write by
 * another process) is rebuilt from the vec0 table. The generation is part of the file name, so two processes saving
 * at once can never leave a file that claims a generation it does not hold.
 */
export function createAnnSide(db: Database.Database, dbPath: string | null, options: HnswOptions = {}) {
  const connectivity = options.connectivity ?? 16;
  const expansionAdd = options.expansionAdd ?? 128;
  const expansionSearch = options.expansionSearch ?? 128;
  const saveEveryMs = options.saveEveryMs ?? 60_000;
  // usearch's 0 ("all cores") oversubscribes a busy machine (measured: 20k × 384-d, 60 s against 35 s with one
  // thread on 2 shared cores); one core is left to the API.
  const threads = Math.max(1, availableParallelism() - 1);
  db.exec(`CREATE TABLE IF NOT EXISTS vector_ann (tbl INTEGER PRIMARY KEY, generation INTEGER NOT NULL)`);
  const bumpStmt = db
    .prepare(
      `INSERT INTO vector_ann (tbl, generation) VALUES (?, 1)
       ON CONFLICT (tbl) DO UPDATE SET generation = generation + 1 RETURNING generation`,
    )
    .pluck();
  const generationStmt = db.prepare(`SELECT generation FROM vector_ann WHERE tbl = ?`).pluck();
  const loaded = new Map<number, Loaded>();
  const base = dbPath && dbPath !== ':memory:' && !dbPath.startsWith('file:') ? path.resolve(dbPath) : null;

  const fileOf = (tbl: number, generation: number): string => `${base}.ann-m${tbl}.g${generation}.usearch`;
  const filesOf = (tbl: number): string[] => {
    if (!base) return [];
    const prefix = `${path.basename(base)}.ann-m${tbl}.`;
    return readdirSync(path.dirname(base))
      .filter((f) => f.startsWith(prefix))
      .map((f) => path.join(path.dirname(base), f));
  };
  const fresh = (dimensions: number): USearch.Index =>
    new usearch.Index({
      dimensions,
      metric: usearch.MetricKind.Cos,
      quantization: usearch.ScalarKind.F32,
      connectivity,
      expansion_add: expansionAdd,
      expansion_search: expansionSearch,
      multi: false,
    });

  function save(tbl: number, l: Loaded): void {
    l.savedAt = Date.now();
    if (!base || !l.dirty) return;
    const target = fileOf(tbl, l.generation);
    const tmp = `${target}.${process.pid}.tmp`;
    // Created owner-only before usearch writes into it (fopen keeps an existing file's mode), then renamed whole.
    closeSync(openSync(tmp, 'w', DATABASE_FILE_MODE));
    chmodSync(tmp, DATABASE_FILE_MODE);
    try {
      l.index.save(tmp);
      renameSync(tmp, target);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw new TributaryError('store_unavailable', `Cannot save the ANN index ${target}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    l.dirty = false;
    for (const f of filesOf(tbl)) if (f !== target && !f.endsWith('.tmp')) rmSync(f, { force: true });
  }

  /** Builds the graph from the vec0 table (the source of truth), in batches. */
  function rebuild(table: string, dimensions: number): USearch.Index {
    const index = fresh(dimensions);
    const batch = 8192;
    let keys: bigint[] = [];
    let matrix = new Float32Array(batch * dimensions);
    const flush = (): void => {
      if (!keys.length) return;
      index.add(BigUint64Array.from(keys), matrix.subarray(0, keys.length * dimensions), threads);
      keys = [];
      matrix = new Float32Array(batch * dimensions);
    };
    const rows = db.prepare(`SELECT rowid, embedding FROM ${table}`).raw(true).iterate() as Iterable<[number, Buffer]>;
    for (const [id, blob] of rows) {
      matrix.set(new Float32Array(blob.buffer, blob.byteOffset, dimensions), keys.length * dimensions);
      keys.push(BigInt(id));
      if (keys.length === batch) flush();
    }
    flush();
    return index;
  }

  return {
    /** Inside the write's transaction: the model's new generation. */
    bump(tbl: number): number {
      return bumpStmt.get(tbl) as number;
    },

    /**
     * After the write committed: applies it to the in-memory graph when that graph was current just before it;
     * otherwise (another process wrote in between) forgets the graph, to be reloaded or rebuilt at the next search.
     */
    applied(tbl: number, generation: number, change: (index: USearch.Index) => void): void {
      const l = loaded.get(tbl);
      if (!l) return;
      if (l.generation !== generation - 1) {
        loaded.delete(tbl);
        return;
      }
      change(l.index);
      l.generation = generation;
      l.dirty = true;
      if (Date.now() - l.savedAt >= saveEveryMs) save(tbl, l);
    },

    /** The model's graph at the current generation: in memory, from its file, or rebuilt (and saved). */
    graph(tbl: number, table: string, dimensions: number): USearch.Index {
      const generation = (generationStmt.get(tbl) as number | undefined) ?? 0;
      const l = loaded.get(tbl);
      if (l && l.generation === generation) return l.index;
      const file = base ? fileOf(tbl, generation) : null;
      let index: USearch.Index;
      let dirty = false;
      if (file && existsSync(file)) {
        index = fresh(dimensions);
        index.load(file);
      } else {
        index = rebuild(table, dimensions);
        dirty = true;
      }
      const next: Loaded = { index, generation, dirty, savedAt: Date.now() };
      loaded.set(tbl, next);
      if (dirty) save(tbl, next);
      return index;
    },

    /** Forgets a dropped model's graph and removes its files. */
    drop(tbl: number): void {
      loaded.delete(tbl);
      db.prepare(`DELETE FROM vector_ann WHERE tbl = ?`).run(tbl);
      for (const f of filesOf(tbl)) rmSync(f, { force: true });
    },

    /** Saves every changed graph (the store's close, the end of an embedding drain). */
    flush(): void {
      for (const [tbl, l] of loaded) save(tbl, l);
    },

    /** The files of a model's graph (tests, status). */
    files: filesOf,
  };
}

export type AnnSide = ReturnType<typeof createAnnSide>;
