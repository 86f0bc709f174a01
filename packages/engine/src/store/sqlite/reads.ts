import type Database from 'better-sqlite3';
import type { MemoryRecord, MemoryWithVersions, RunStatus, SourceStats } from '../types.js';
import { json, toMemory } from '../rows.js';
import { decodeContent, withContent } from './content-codec.js';
import { createSourceCounts } from './source-counts.js';

export function createReads(db: Database.Database) {
  const sourceCounts = createSourceCounts(db);
  const byId = db.prepare(
    `SELECT m.*, s.name AS source_name, s.source_type AS source_type, s.owner_id AS owner_id FROM memories m JOIN data_sources s ON s.id = m.source_id WHERE m.id = ?`,
  );
  const versions = db.prepare(`SELECT * FROM memory_versions WHERE memory_id = ? ORDER BY version DESC`);
  return {
    getMemory(id: string, ownerId?: string): MemoryWithVersions | null {
      if (!/^\d+$/.test(id)) return null;
      const row = byId.get(Number(id)) as any;
      if (!row || (ownerId && row.owner_id !== ownerId)) return null;
      return {
        ...toMemory(withContent(row)),
        sourceName: row.source_name,
        sourceType: row.source_type,
        versions: (versions.all(row.id) as any[]).map((v) => ({
          version: v.version,
          title: v.title ?? null,
          content: decodeContent(v.content),
          contentHash: v.content_hash,
          metadata: json(v.metadata, {}),
          supersededAt: v.superseded_at,
        })),
      };
    },
    getMemoryByExternalId(sourceId: string, externalId: string): MemoryRecord | null {
      const row = db
        .prepare('SELECT * FROM memories WHERE source_id = ? AND external_id = ?')
        .get(sourceId, externalId);
      return row ? toMemory(withContent(row as any)) : null;
    },
    countMemories(filter: { sourceId?: string; ownerId?: string; includeDeleted?: boolean }): number {
      // From the counts the triggers keep (source-counts.ts), not from the memories (a scan per call).
      const parts: string[] = [];
      const params: unknown[] = [];
      if (filter.sourceId) {
        parts.push('c.source_id = ?');
        params.push(filter.sourceId);
      }
      if (filter.ownerId) {
        parts.push('s.owner_id = ?');
        params.push(filter.ownerId);
      }
      const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
      const n = filter.includeDeleted ? 'c.live + c.dead' : 'c.live';
      return (
        db
          .prepare(
            `SELECT coalesce(sum(${n}), 0) AS n FROM source_counts c JOIN data_sources s ON s.id = c.source_id ${where}`,
          )
          .get(...params) as { n: number }
      ).n;
    },
    async *exportMemories(
      sourceId: string,
      opts: { includeDeleted?: boolean; batchSize?: number } = {},
    ): AsyncIterable<MemoryRecord> {
      const size = opts.batchSize ?? 1000;
      const stmt = db.prepare(
        `SELECT * FROM memories WHERE source_id = ? AND id > ? ${opts.includeDeleted ? '' : 'AND deleted_at IS NULL'} ORDER BY id LIMIT CAST(? AS INTEGER)`,
      );
      let after = 0;
      for (;;) {
        const rows = stmt.all(sourceId, after, size) as any[];
        if (!rows.length) return;
        for (const row of rows) yield toMemory(withContent(row));
        after = rows[rows.length - 1].id;
      }
    },
    sourceStats(sourceId: string): SourceStats {
      // The counts and span come from rows kept by triggers (source-counts.ts): a scan of the source's memories took
      // ~1 s at 1M, on the API's thread.
      const totals = sourceCounts(sourceId);
      const versions = (
        db
          .prepare(
            // From the versions (few: one per change of an item) to their memories, not from every memory of the
            // source to its versions.
            `SELECT count(*) AS n FROM memory_versions v CROSS JOIN memories m ON m.id = v.memory_id WHERE m.source_id = ?`,
          )
          .get(sourceId) as any
      ).n;
      const runs: Record<RunStatus, number> = { running: 0, succeeded: 0, failed: 0, aborted: 0 };
      for (const r of db
        .prepare(`SELECT status, count(*) AS n FROM data_source_sync_history WHERE source_id = ? GROUP BY status`)
        .all(sourceId) as any[])
        runs[r.status as RunStatus] = r.n;
      return {
        sourceId,
        memories: totals.live,
        deleted: totals.dead,
        versions,
        byStream: totals.byStream,
        oldest: totals.oldest,
        newest: totals.newest,
        runs,
      };
    },
  };
}
