import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { TributaryError } from '@tributary/sdk/errors';

/**
 * FTS5 ranking of the keyword search: `tribm25()` when its extension is built (packages/engine/native, compiled by
 * `npm run build`), else SQLite's `bm25()`. Both score alike — bm25, title weighted 2× — but bm25() first counts
 * every row holding each phrase (its IDF) whatever the query's LIMIT: 8–10 ms of a two-word query over common words
 * at 1M chunks. tribm25() counts a phrase exactly up to 2,000 rows and estimates a commoner one's count from the
 * rowid share its first 2,000 rows span (docs/search.md). The loaded connections are remembered per handle.
 */
const suffix = process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so';
// src/store/sqlite and dist/store/sqlite lie at the same depth below packages/engine.
export const NATIVE_RANKING_PATH = fileURLToPath(new URL(`../../../native/build/tribm25.${suffix}`, import.meta.url));

const loaded = new WeakSet<Database.Database>();

/**
 * Loads the ranking extension into `db` when it was built; false (and bm25()) otherwise, or when `wanted` is false
 * (`TRIBUTARY_NATIVE_RANKING=0`, for comparing the two). A present but unloadable file is an error: a build of
 * another platform's binary should say so, not rank silently slower.
 */
export function loadNativeRanking(
  db: Database.Database,
  wanted = process.env.TRIBUTARY_NATIVE_RANKING !== '0',
  file = NATIVE_RANKING_PATH,
): boolean {
  if (!wanted || !existsSync(file)) return false;
  try {
    // better-sqlite3 takes the entry point as a second argument; its type definitions omit it.
    (db.loadExtension as (file: string, entryPoint: string) => unknown).call(db, file, 'sqlite3_tribm25_init');
  } catch (err) {
    throw new TributaryError(
      'store_unavailable',
      `The search ranking extension ${file} could not be loaded (${(err as Error).message}); run \`npm run build\` on this machine to rebuild it, or set TRIBUTARY_NATIVE_RANKING=0.`,
      { cause: err },
    );
  }
  loaded.add(db);
  return true;
}

/** Whether `tribm25()` is loaded into this connection. */
export const nativeRankingLoaded = (db: Database.Database): boolean => loaded.has(db);

/**
 * The rank expression over `chunks_fts` for this connection. The rowid bounds are constant subqueries (SQLite
 * evaluates them once per statement, two index probes); chunk ids are the index's rowids.
 */
export function rankSql(db: Database.Database): string {
  return loaded.has(db)
    ? `tribm25(chunks_fts, (SELECT min(id) FROM chunks), (SELECT max(id) FROM chunks), 2.0, 1.0)`
    : `bm25(chunks_fts, 2.0, 1.0)`;
}
