import { HEADLINE } from './search.js';
import { vectorLiteral, vectorSql, type VectorState } from './vector.js';
import { BOOST_SQL } from '../ranking.js';

/** Reciprocal rank fusion constant (Cormack et al.): damps the head of each list so both lists count. */
const RRF_K = 60;

/**
 * Hybrid ranking: reciprocal rank fusion of the full-text top-K and the vector top-K (nearest chunk per memory,
 * cosine distance via the HNSW index), both under the same filters, tombstones excluded. Ties share a rank, so
 * when full text cannot tell memories apart the vector side decides (and the other way round). `params` already holds
 * the tsquery as `$1` and the filter values used by `where`; the vector, K, limit and offset are appended.
 */
export function hybridSql(
  state: VectorState,
  vector: number[],
  where: string,
  params: unknown[],
  limit: number,
  offset: number,
): string {
  const { type, distance } = vectorSql(state);
  const v = `$${params.push(vectorLiteral(vector, state.dimensions ?? vector.length))}::${type}`;
  const k = `$${params.push(Math.max(50, (offset + limit) * 2))}`;
  return `
    WITH q AS (SELECT to_tsquery('simple', $1) AS query),
    best AS (
      SELECT DISTINCT ON (c.memory_id) c.memory_id, c.text, ts_rank_cd(c.tsv, q.query) AS score
      FROM chunks c, q WHERE c.tsv @@ q.query
      ORDER BY c.memory_id, ts_rank_cd(c.tsv, q.query) DESC, c.id
    ),
    fts AS (
      SELECT best.memory_id AS id, best.text, rank() OVER (ORDER BY best.score DESC) AS r
      FROM best JOIN memories m ON m.id = best.memory_id JOIN data_sources s ON s.id = m.source_id
      WHERE m.deleted_at IS NULL${where}
      ORDER BY best.score DESC, best.memory_id LIMIT ${k}
    ),
    near AS (
      SELECT c.memory_id, c.text, c.embedding ${distance} ${v} AS d
      FROM chunks c JOIN memories m ON m.id = c.memory_id JOIN data_sources s ON s.id = m.source_id
      WHERE c.embedding IS NOT NULL AND m.deleted_at IS NULL${where}
      ORDER BY c.embedding ${distance} ${v} LIMIT ${k} * 4
    ),
    vbest AS (SELECT DISTINCT ON (memory_id) memory_id, text, d FROM near ORDER BY memory_id, d),
    vec AS (
      SELECT memory_id AS id, text, rank() OVER (ORDER BY d) AS r
      FROM vbest ORDER BY d, memory_id LIMIT ${k}
    ),
    fused AS (
      SELECT id, sum(1.0 / (${RRF_K} + r)) AS score FROM (SELECT id, r FROM fts UNION ALL SELECT id, r FROM vec) u GROUP BY id
    ),
    page AS (
      SELECT m.*, s.name AS source_name, s.source_type AS connector, fused.score * ${BOOST_SQL} AS score,
        fts.text AS fts_text, vec.text AS vec_text
      FROM fused JOIN memories m ON m.id = fused.id JOIN data_sources s ON s.id = m.source_id
      LEFT JOIN fts ON fts.id = m.id LEFT JOIN vec ON vec.id = m.id
      ORDER BY fused.score * ${BOOST_SQL} DESC, m.id
      LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}
    )
    SELECT page.*, CASE WHEN page.fts_text IS NOT NULL THEN ts_headline('simple', page.fts_text, q.query, '${HEADLINE}')
      ELSE left(page.vec_text, 200) END AS snip
    FROM page, q ORDER BY page.score DESC, page.id`;
}
