/**
 * The memory columns a hit shows (`toHit` in search.ts), not `m.*`: the page's rows left out metadata, hashes,
 * fingerprints and times nobody reads, a quarter of reading ten rows (1M Zipf items, 20 rare words: 0.096 → 0.074 ms
 * CPU p50).
 */
export const HIT_COLUMNS = `m.id, m.source_id, m.external_id, m.stream, m.title, m.content, m.url, m.author, m.container, m.thread,
  m.occurred_at, m.tags, m.importance, m.domain`;

/** A page's columns after HIT_COLUMNS: the source, the hit's chunk and its span, the boosted score. */
export const PAGE_COLUMNS = `${HIT_COLUMNS}, s.name AS source_name, s.source_type AS connector, c.id AS chunk_id,
  c.id AS span_chunk, c.at AS span_at, c.len AS span_len, c.own_text AS span_own`;

/**
 * A page row read as an array (better-sqlite3's raw mode: PAGE_COLUMNS, then the score) as the object `toHit` reads.
 * better-sqlite3 builds a row object of these 22 columns at ~6 µs; this literal takes a fraction of that, and ten
 * such rows were a sixth of a rare word's whole search at 1M items (issue 13). A wrong order shows in
 * search-direct.test.ts, which compares the direct path's hits field by field with the general path's (whose rows are
 * objects named by SQL).
 */
export const hitRowOf = (r: unknown[]) => ({
  id: r[0],
  source_id: r[1],
  external_id: r[2],
  stream: r[3],
  title: r[4],
  content: r[5],
  url: r[6],
  author: r[7],
  container: r[8],
  thread: r[9],
  occurred_at: r[10],
  tags: r[11],
  importance: r[12],
  domain: r[13],
  source_name: r[14],
  connector: r[15],
  chunk_id: r[16],
  span_chunk: r[17],
  span_at: r[18],
  span_len: r[19],
  span_own: r[20],
  score: r[21],
});
