import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { TributaryError } from '@tributary/sdk/errors';
import { graphFiles, type FromWorker, type GraphConfig, type ToWorker } from './vectors-ann-files.js';

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
  /**
   * A filtered search walks this many times the neighbours the filter's share of the model predicts it needs
   * (k ÷ share), at least 10 × k. @default 3
   */
  oversample?: number;
  /** usearch threads building a graph (in its worker thread). @default every core */
  threads?: number;
  /** A changed graph is saved at most this often (and at close). @default 60000 */
  saveEveryMs?: number;
  /**
   * A search that needs a graph not built yet waits for it instead of scanning exactly (tests, benches). Off: the
   * exact scan answers until the graph is ready.
   */
  waitForGraph?: boolean;
}

/** A graph that failed (its worker died or threw) is tried again after this long; searches scan exactly meanwhile. */
const RETRY_AFTER_MS = 60_000;

interface Pending {
  resolve(reply: Extract<FromWorker, { op: 'reply' }>): void;
  reject(err: Error): void;
}

interface Graph {
  worker: Worker;
  /** The generation of the graph in the worker, as last reported (-1: none yet). */
  generation: number;
  /** A sync in flight (a check, a load, or a rebuild). */
  syncing: Promise<number> | null;
  /** The worker is rebuilding from vec0 (close does not wait for that). */
  building: boolean;
  /** Called when the worker reports that a rebuild started (close waits for that report or the sync's end). */
  onBuilding: (() => void) | null;
  pending: Map<number, Pending>;
  /** Ended on purpose (close, drop): its exit is no failure. */
  ended: boolean;
}

/**
 * Starts a graph worker: the built `.js` beside this file, or from source (vitest) through tsx's loader. Node's
 * worker_threads is required here, not imported with the module: every store open (a CLI search) paid ~2.5 ms of CPU
 * loading it, and only a store with a graph starts workers.
 */
function startWorker(config: GraphConfig): Worker {
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./vectors-ann-worker.js', here), { workerData: config });
  const tsxDir = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./vectors-ann-worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: config, execArgv: ['--conditions=source'] });
}

/**
 * The ANN side index of sqlite-vec: one usearch HNSW graph per model, keyed by `vector_points.id`, held by a worker
 * thread of its own (vectors-ann-worker.ts) and saved in a file beside the database
 * (`<db>.ann-m<tbl>.g<generation>.usearch`, owner-only, so inside the data dir the path guard refuses it to
 * connectors). sqlite-vec stays the source of truth: every write bumps the model's generation in `vector_ann` in its
 * own transaction, and a graph is searched only when it holds the current generation. Until then (first build, a
 * rebuild after a crash or another process's write, a batch being added) the caller scans exactly, so answers are
 * never stale and the API never waits for a build. Needs a database file (a worker opens its own connection).
 */
export function createAnnSide(db: Database.Database, dbPath: string, options: HnswOptions = {}) {
  const base = path.resolve(dbPath);
  const settings = {
    connectivity: options.connectivity ?? 16,
    expansionAdd: options.expansionAdd ?? 128,
    expansionSearch: options.expansionSearch ?? 128,
    threads: Math.max(1, options.threads ?? availableParallelism()),
    saveEveryMs: options.saveEveryMs ?? 60_000,
  };
  db.exec(`CREATE TABLE IF NOT EXISTS vector_ann (tbl INTEGER PRIMARY KEY, generation INTEGER NOT NULL)`);
  const bumpStmt = db
    .prepare(
      `INSERT INTO vector_ann (tbl, generation) VALUES (?, 1)
       ON CONFLICT (tbl) DO UPDATE SET generation = generation + 1 RETURNING generation`,
    )
    .pluck();
  const generationStmt = db.prepare(`SELECT generation FROM vector_ann WHERE tbl = ?`).pluck();
  const current = (tbl: number): number => (generationStmt.get(tbl) as number | undefined) ?? 0;
  const graphs = new Map<number, Graph>();
  const failedAt = new Map<number, number>();
  let nextId = 0;

  function start(tbl: number, table: string, dimensions: number): Graph {
    const worker = startWorker({ dbPath: base, tbl, table, dimensions, ...settings });
    // An idle graph never keeps the process alive; close() ends it.
    worker.unref();
    const g: Graph = {
      worker,
      generation: -1,
      syncing: null,
      building: false,
      onBuilding: null,
      pending: new Map(),
      ended: false,
    };
    const fail = (err: Error): void => {
      if (graphs.get(tbl) === g) graphs.delete(tbl);
      if (!g.ended) failedAt.set(tbl, Date.now());
      for (const p of g.pending.values()) p.reject(err);
      g.pending.clear();
      void worker.terminate();
    };
    worker.on('message', (msg: FromWorker) => {
      if (msg.op === 'state') g.generation = msg.generation;
      else if (msg.op === 'building') {
        g.building = true;
        g.onBuilding?.();
      } else {
        const p = g.pending.get(msg.id);
        g.pending.delete(msg.id);
        if (msg.op === 'failed')
          p?.reject(new TributaryError('store_unavailable', `The ANN graph of vec_m${tbl}: ${msg.message}`));
        else p?.resolve(msg);
      }
    });
    worker.on('error', fail);
    worker.on('exit', () => fail(new TributaryError('store_unavailable', `The ANN graph worker of vec_m${tbl} ended`)));
    graphs.set(tbl, g);
    return g;
  }

  function call(g: Graph, msg: ToWorker & { id: number }, transfer: ArrayBuffer[] = []) {
    return new Promise<Extract<FromWorker, { op: 'reply' }>>((resolve, reject) => {
      g.pending.set(msg.id, { resolve, reject });
      g.worker.postMessage(msg, transfer);
    });
  }

  /** Asks the worker to reach SQLite's generation (at once when kept in step; a load or rebuild otherwise). */
  function sync(tbl: number, table: string, dimensions: number): Promise<number> | null {
    let g = graphs.get(tbl);
    if (!g) {
      if (Date.now() - (failedAt.get(tbl) ?? 0) < RETRY_AFTER_MS) return null;
      g = start(tbl, table, dimensions);
    }
    const graph = g;
    if (!graph.syncing)
      graph.syncing = call(graph, { op: 'sync', id: ++nextId })
        // One step: while `building` is true the graph is never at SQLite's generation, so a search scans exactly.
        .then(
          (reply) => {
            graph.generation = reply.generation;
            graph.building = false;
            graph.syncing = null;
            return reply.generation;
          },
          (err: unknown) => {
            graph.building = false;
            graph.syncing = null;
            // A graph that cannot be built (disk full, unreadable file) is retried later, not at every search.
            if (graphs.get(tbl) === graph) graphs.delete(tbl);
            failedAt.set(tbl, Date.now());
            graph.ended = true;
            void graph.worker.terminate();
            throw err;
          },
        );
    return graph.syncing;
  }

  return {
    /** Inside the write's transaction: the model's new generation. */
    bump(tbl: number): number {
      return bumpStmt.get(tbl) as number;
    },

    /**
     * After the write committed: hands it to the model's graph worker (when one runs), which adds it when its graph
     * was current just before it and otherwise drops the graph for a reload or rebuild. The arrays are moved.
     */
    applied(tbl: number, change: Omit<Extract<ToWorker, { op: 'apply' }>, 'op'>): void {
      const g = graphs.get(tbl);
      if (!g) return;
      const transfer = [change.add?.keys.buffer, change.add?.matrix.buffer, change.remove?.buffer].filter(
        (b): b is ArrayBuffer => b instanceof ArrayBuffer,
      );
      g.worker.postMessage({ op: 'apply', ...change } satisfies ToWorker, transfer);
    },

    /**
     * The generation the model's graph can be searched at now, or null: then the caller scans exactly, and a sync
     * (a load or a rebuild in the worker) has been started if none was running.
     */
    usable(tbl: number, table: string, dimensions: number): number | null {
      const generation = current(tbl);
      const g = graphs.get(tbl);
      if (g && g.generation === generation) return generation;
      try {
        sync(tbl, table, dimensions)?.catch(() => undefined); // a failure is recorded; searches stay exact
      } catch {
        failedAt.set(tbl, Date.now()); // the worker could not even start: exact scans, tried again later
      }
      return null;
    },

    /** Waits until the model's graph holds SQLite's generation (benches, tests, `waitForGraph`). */
    async ready(tbl: number, table: string, dimensions: number): Promise<number> {
      for (;;) {
        const generation = current(tbl);
        const g = graphs.get(tbl);
        if (g && g.generation === generation) return generation;
        const pending = sync(tbl, table, dimensions);
        if (!pending) throw new TributaryError('store_unavailable', `The ANN graph of vec_m${tbl} failed recently`);
        await pending;
      }
    },

    /** Whether the model's graph is being rebuilt from vec0 right now (tests, status). */
    building: (tbl: number): boolean => graphs.get(tbl)?.building ?? false,

    /** The `want` nearest of the graph at `generation`: [row id, cosine distance]; null when it moved on meanwhile. */
    async search(tbl: number, generation: number, vector: Float32Array, want: number) {
      const g = graphs.get(tbl);
      if (!g) return null;
      const reply = await call(g, { op: 'search', id: ++nextId, generation, vector, want });
      if (reply.stale || !reply.keys || !reply.distances) return null;
      const distances = reply.distances;
      return Array.from(reply.keys, (key, i): [number, number] => [Number(key), distances[i]!]);
    },

    /** Ends a dropped model's graph and removes its files. */
    async drop(tbl: number): Promise<void> {
      const g = graphs.get(tbl);
      graphs.delete(tbl);
      if (g) {
        g.ended = true;
        await g.worker.terminate();
      }
      db.prepare(`DELETE FROM vector_ann WHERE tbl = ?`).run(tbl);
      for (const f of graphFiles(base, tbl)) rmSync(f, { force: true });
    },

    /**
     * Saves every changed graph and ends the workers (the store's close). A graph being rebuilt is abandoned (its
     * temporary file is removed by the next save): the next process rebuilds it, and close never waits minutes.
     */
    async close(): Promise<void> {
      const all = [...graphs.entries()];
      graphs.clear();
      await Promise.all(
        all.map(async ([, g]) => {
          g.ended = true;
          // A sync just posted may turn out to be a rebuild: known when the worker says so or the sync ends.
          if (g.syncing && !g.building)
            await Promise.race([
              g.syncing.catch(() => undefined),
              new Promise<void>((resolve) => (g.onBuilding = resolve)),
            ]);
          // A failed save only costs a rebuild at the next open: close goes on.
          if (!g.building) await call(g, { op: 'save', id: ++nextId }).catch(() => undefined);
          await g.worker.terminate();
        }),
      );
    },

    /** The files of a model's graph (tests, status). */
    files: (tbl: number): string[] => graphFiles(base, tbl),
  };
}

export type AnnSide = ReturnType<typeof createAnnSide>;
