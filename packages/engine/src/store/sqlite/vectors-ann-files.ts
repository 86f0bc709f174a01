import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * What the main thread and a graph worker share: the graph's settings, the message protocol, and the files of a
 * model's graph (`<db>.ann-m<tbl>.g<generation>.usearch`, a save in progress `….<pid>-<thread>.tmp`).
 */
export interface GraphConfig {
  /** The database file (absolute): the worker opens its own connection to read the vec0 table. */
  dbPath: string;
  tbl: number;
  table: string;
  dimensions: number;
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  /** usearch threads for a build and for adds. */
  threads: number;
  saveEveryMs: number;
}

export type ToWorker =
  | { op: 'sync'; id: number }
  | { op: 'save'; id: number }
  | { op: 'search'; id: number; generation: number; vector: Float32Array; want: number }
  | { op: 'apply'; generation: number; add?: { keys: BigUint64Array; matrix: Float32Array }; remove?: BigUint64Array };

export type FromWorker =
  | { op: 'reply'; id: number; generation: number; keys?: BigUint64Array; distances?: Float32Array; stale?: boolean }
  | { op: 'failed'; id: number; message: string }
  /** The graph's generation after an apply (-1: dropped, out of step with SQLite). */
  | { op: 'state'; generation: number }
  /** A sync found neither a current graph nor its file: a rebuild from vec0 starts. */
  | { op: 'building' };

export const graphFile = (dbPath: string, tbl: number, generation: number): string =>
  `${dbPath}.ann-m${tbl}.g${generation}.usearch`;

/** The files of a model's graph beside the database, saved ones and saves in progress. */
export function graphFiles(dbPath: string, tbl: number): string[] {
  const prefix = `${path.basename(dbPath)}.ann-m${tbl}.`;
  return readdirSync(path.dirname(dbPath))
    .filter((f) => f.startsWith(prefix))
    .map((f) => path.join(path.dirname(dbPath), f));
}

/** The generation a saved graph file holds (null for a save in progress). */
export function generationOf(file: string): number | null {
  const m = /\.g(\d+)\.usearch$/.exec(file);
  return m ? Number(m[1]) : null;
}

/** The process that was writing a `.tmp` file (a crash mid-save leaves one behind). */
export function tmpOwner(file: string): number | null {
  const m = /\.(\d+)-\d+\.tmp$/.exec(file);
  return m ? Number(m[1]) : null;
}
