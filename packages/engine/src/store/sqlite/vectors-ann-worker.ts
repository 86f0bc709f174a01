import { chmodSync, closeSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type * as USearch from 'usearch';
import { DATABASE_FILE_MODE } from './file-mode.js';
import {
  generationOf,
  graphFile,
  graphFiles,
  tmpOwner,
  type FromWorker,
  type GraphConfig,
  type ToWorker,
} from './vectors-ann-files.js';

/**
 * One model's HNSW graph, in its own thread (vectors-ann.ts starts it). Everything slow — building from the vec0
 * table, loading or saving a file, adding a batch of vectors — happens here, so the thread that serves the API never
 * waits for it. Messages are handled one at a time in order, so an apply posted before a search is in the graph the
 * search walks. The graph is read from its own SQLite connection: the generation and the rows come from one read
 * transaction, so a built graph holds exactly the generation it claims.
 */

// usearch's ESM entry cannot find its own prebuilt binary (its directory walk never ends under ESM, measured with
// 2.25.3); the CommonJS entry resolves it from __dirname.
const usearch = createRequire(import.meta.url)('usearch') as typeof USearch;

const config = workerData as GraphConfig;
const port = parentPort!;
/** Vectors per native add: terminate() waits for the add in progress, so a closing store waits at most one batch. */
const BATCH = 1024;

let connection: Database.Database | null = null;
const database = (): Database.Database => {
  if (!connection) {
    connection = new Database(config.dbPath, { fileMustExist: true });
    connection.pragma('busy_timeout = 10000');
    sqliteVec.load(connection);
  }
  return connection;
};
const currentGeneration = (): number =>
  (database().prepare(`SELECT generation FROM vector_ann WHERE tbl = ?`).pluck().get(config.tbl) as
    number | undefined) ?? 0;

interface Graph {
  index: USearch.Index;
  generation: number;
  dirty: boolean;
  savedAt: number;
}
let graph: Graph | null = null;

const fresh = (): USearch.Index =>
  new usearch.Index({
    dimensions: config.dimensions,
    metric: usearch.MetricKind.Cos,
    quantization: usearch.ScalarKind.F32,
    connectivity: config.connectivity,
    expansion_add: config.expansionAdd,
    expansion_search: config.expansionSearch,
    multi: false,
  });

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Writes the graph to a temporary file and renames it into place whole: a crash mid-save leaves no partial graph. */
function save(g: Graph): void {
  g.savedAt = Date.now();
  if (!g.dirty) return;
  const target = graphFile(config.dbPath, config.tbl, g.generation);
  const tmp = `${target}.${process.pid}-${threadId}.tmp`;
  // Created owner-only before usearch writes into it (fopen keeps an existing file's mode).
  closeSync(openSync(tmp, 'w', DATABASE_FILE_MODE));
  chmodSync(tmp, DATABASE_FILE_MODE);
  try {
    g.index.save(tmp);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  g.dirty = false;
  // Older generations are of no use any more; a newer one (another process saved meanwhile) is kept, and so is a
  // save in progress of a live process.
  for (const f of graphFiles(config.dbPath, config.tbl)) {
    const generation = generationOf(f);
    const owner = tmpOwner(f);
    if (generation !== null ? generation < g.generation : owner !== null && !alive(owner)) rmSync(f, { force: true });
  }
}

/** Reads every vector of the model and the generation they make, in one read transaction. */
function readAll(): { generation: number; keys: BigUint64Array[]; matrices: Float32Array[] } {
  const db = database();
  return db.transaction(() => {
    const generation = currentGeneration();
    const keys: BigUint64Array[] = [];
    const matrices: Float32Array[] = [];
    let ids: bigint[] = [];
    let matrix = new Float32Array(BATCH * config.dimensions);
    const rows = db.prepare(`SELECT rowid, embedding FROM ${config.table}`).raw(true).iterate() as Iterable<
      [number, Buffer]
    >;
    for (const [id, blob] of rows) {
      matrix.set(new Float32Array(blob.buffer, blob.byteOffset, config.dimensions), ids.length * config.dimensions);
      ids.push(BigInt(id));
      if (ids.length === BATCH) {
        keys.push(BigUint64Array.from(ids));
        matrices.push(matrix);
        ids = [];
        matrix = new Float32Array(BATCH * config.dimensions);
      }
    }
    if (ids.length) {
      keys.push(BigUint64Array.from(ids));
      matrices.push(matrix.subarray(0, ids.length * config.dimensions));
    }
    return { generation, keys, matrices };
  })();
}

/** Brings the graph to the generation SQLite holds: kept, loaded from its file, or rebuilt from vec0 and saved. */
function sync(): number {
  const generation = currentGeneration();
  if (graph && graph.generation === generation) return generation;
  graph = null;
  const file = graphFile(config.dbPath, config.tbl, generation);
  if (existsSync(file)) {
    const index = fresh();
    index.load(file);
    graph = { index, generation, dirty: false, savedAt: Date.now() };
    return generation;
  }
  port.postMessage({ op: 'building' } satisfies FromWorker);
  const all = readAll();
  const index = fresh();
  for (let i = 0; i < all.keys.length; i++) {
    index.add(all.keys[i]!, all.matrices[i]!, config.threads);
    all.matrices[i] = new Float32Array(0); // usearch copied it: the memory can go as the build proceeds
  }
  graph = { index, generation: all.generation, dirty: true, savedAt: 0 };
  save(graph);
  return graph.generation;
}

/** A write committed by this process: applied when the graph is at the generation just before it. */
function apply(msg: Extract<ToWorker, { op: 'apply' }>): void {
  if (!graph) return;
  if (msg.generation <= graph.generation) return; // the graph was built from a snapshot that holds it already
  if (msg.generation !== graph.generation + 1) {
    graph = null; // another process wrote in between: the next sync loads or rebuilds
  } else {
    const index = graph.index;
    if (msg.remove?.length) index.remove(msg.remove);
    if (msg.add?.keys.length) {
      const present = index.contains(msg.add.keys) as boolean[];
      const replaced = msg.add.keys.filter((_, i) => present[i]);
      if (replaced.length) index.remove(replaced);
      for (let i = 0; i < msg.add.keys.length; i += BATCH) {
        const end = Math.min(msg.add.keys.length, i + BATCH);
        index.add(
          msg.add.keys.subarray(i, end),
          msg.add.matrix.subarray(i * config.dimensions, end * config.dimensions),
          config.threads,
        );
      }
    }
    graph.generation = msg.generation;
    graph.dirty = true;
    if (Date.now() - graph.savedAt >= config.saveEveryMs) save(graph);
  }
  port.postMessage({ op: 'state', generation: graph?.generation ?? -1 } satisfies FromWorker);
}

port.on('message', (msg: ToWorker) => {
  if (msg.op === 'apply') {
    try {
      apply(msg);
    } catch {
      // A failed add or save leaves the graph in doubt: dropped, the next sync rebuilds it from vec0.
      graph = null;
      port.postMessage({ op: 'state', generation: -1 } satisfies FromWorker);
    }
    return;
  }
  try {
    if (msg.op === 'sync') {
      port.postMessage({ op: 'reply', id: msg.id, generation: sync() } satisfies FromWorker);
    } else if (msg.op === 'save') {
      if (graph) save(graph);
      port.postMessage({ op: 'reply', id: msg.id, generation: graph?.generation ?? -1 } satisfies FromWorker);
    } else {
      if (!graph || graph.generation !== msg.generation) {
        port.postMessage({ op: 'reply', id: msg.id, generation: graph?.generation ?? -1, stale: true });
        return;
      }
      const size = graph.index.size();
      const found = size ? graph.index.search(msg.vector, Math.min(size, msg.want), 1) : null;
      const reply: FromWorker = {
        op: 'reply',
        id: msg.id,
        generation: graph.generation,
        keys: found?.keys ?? new BigUint64Array(0),
        distances: found?.distances ?? new Float32Array(0),
      };
      port.postMessage(reply);
    }
  } catch (err) {
    port.postMessage({ op: 'failed', id: msg.id, message: (err as Error).message } satisfies FromWorker);
  }
});
