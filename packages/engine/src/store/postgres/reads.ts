import type pg from 'pg';
import type { MemoryRecord, MemoryWithVersions, RunStatus, SourceStats } from '../types.js';
import { json, toMemory } from '../rows.js';

export function createPgReads(pool: pg.Pool) {
  return {
    async getMemory(id: string, ownerId?: string): Promise<MemoryWithVersions | null> {
      if (!/^\d{1,18}$/.test(id)) return null;
      const row = (
        await pool.query(
          `SELECT m.*, s.name AS source_name, s.source_type AS source_type, s.owner_id AS owner_id FROM memories m JOIN data_sources s ON s.id = m.source_id WHERE m.id = $1`,
          [id],
        )
      ).rows[0];
      if (!row || (ownerId && row.owner_id !== ownerId)) return null;
      const versions = (
        await pool.query('SELECT * FROM memory_versions WHERE memory_id = $1 ORDER BY version DESC', [id])
      ).rows;
      return {
        ...toMemory(row),
        sourceName: row.source_name,
        sourceType: row.source_type,
        versions: versions.map((v) => ({
          version: Number(v.version),
          title: v.title ?? null,
          content: v.content,
          contentHash: v.content_hash,
          metadata: json(v.metadata, {}),
          supersededAt: v.superseded_at,
        })),
      };
    },
    async getMemoryByExternalId(sourceId: string, externalId: string): Promise<MemoryRecord | null> {
      const row = (
        await pool.query('SELECT * FROM memories WHERE source_id = $1 AND external_id = $2', [sourceId, externalId])
      ).rows[0];
      return row ? toMemory(row) : null;
    },
    async countMemories(filter: { sourceId?: string; ownerId?: string; includeDeleted?: boolean }): Promise<number> {
      const parts: string[] = [];
      const params: unknown[] = [];
      if (filter.sourceId) parts.push(`m.source_id = $${params.push(filter.sourceId)}`);
      if (filter.ownerId) parts.push(`s.owner_id = $${params.push(filter.ownerId)}`);
      if (!filter.includeDeleted) parts.push('m.deleted_at IS NULL');
      const sql = `SELECT count(*)::int AS n FROM memories m JOIN data_sources s ON s.id = m.source_id ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''}`;
      return (await pool.query(sql, params)).rows[0].n;
    },
    async *exportMemories(
      sourceId: string,
      opts: { includeDeleted?: boolean; batchSize?: number } = {},
    ): AsyncIterable<MemoryRecord> {
      const size = opts.batchSize ?? 1000;
      let after = '0';
      for (;;) {
        const rows = (
          await pool.query(
            `SELECT * FROM memories WHERE source_id = $1 AND id > $2 ${opts.includeDeleted ? '' : 'AND deleted_at IS NULL'} ORDER BY id LIMIT $3`,
            [sourceId, after, size],
          )
        ).rows;
        if (!rows.length) return;
        for (const row of rows) yield toMemory(row);
        after = String(rows[rows.length - 1].id);
      }
    },
    async sourceStats(sourceId: string): Promise<SourceStats> {
      const totals = (
        await pool.query(
          `SELECT count(*) FILTER (WHERE deleted_at IS NULL)::int AS live, count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS dead,
             min(occurred_at) AS oldest, max(occurred_at) AS newest FROM memories WHERE source_id = $1`,
          [sourceId],
        )
      ).rows[0];
      const byStream: Record<string, number> = {};
      for (const r of (
        await pool.query(
          `SELECT stream, count(*)::int AS n FROM memories WHERE source_id = $1 AND deleted_at IS NULL GROUP BY stream`,
          [sourceId],
        )
      ).rows)
        byStream[r.stream] = r.n;
      const versions = (
        await pool.query(
          `SELECT count(*)::int AS n FROM memory_versions v JOIN memories m ON m.id = v.memory_id WHERE m.source_id = $1`,
          [sourceId],
        )
      ).rows[0].n;
      const runs: Record<RunStatus, number> = { running: 0, succeeded: 0, failed: 0, aborted: 0 };
      for (const r of (
        await pool.query(
          `SELECT status, count(*)::int AS n FROM data_source_sync_history WHERE source_id = $1 GROUP BY status`,
          [sourceId],
        )
      ).rows)
        runs[r.status as RunStatus] = r.n;
      return {
        sourceId,
        memories: totals.live,
        deleted: totals.dead,
        versions,
        byStream,
        oldest: totals.oldest ?? null,
        newest: totals.newest ?? null,
        runs,
      };
    },
  };
}
