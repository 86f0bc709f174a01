import type Database from 'better-sqlite3';
import type { SearchFilters } from '../types.js';

/**
 * Drops a query's owner filter when it selects nothing: every source belongs to that owner (a one-user store — the
 * local CLI, most self-hosted servers). Every search of the product carries its caller's owner, and that filter
 * alone sent such stores down the slow paths (a memory and source lookup for every match of the count and the
 * candidates) that an unfiltered query skips.
 *
 * Safe only when the check and the query read the same snapshot: call it inside the read transaction that runs the
 * query, or a source of another owner created in between could be searched.
 */
export function createOwnerScope(db: Database.Database): <Q extends SearchFilters>(query: Q) => Q {
  const othersExist = db.prepare(`SELECT EXISTS (SELECT 1 FROM data_sources WHERE owner_id <> ?)`).pluck();
  return (query) => {
    if (!query.ownerId || othersExist.get(query.ownerId)) return query;
    return { ...query, ownerId: undefined };
  };
}
