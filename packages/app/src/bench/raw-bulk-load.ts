import path from 'node:path';
import { createSqliteStore } from '@tributary/engine';
import { syntheticItem } from '@tributary/connectors/synthetic/map';

const START = Date.UTC(2025, 0, 1);

/**
 * The fastest way to load these rows into our schema with no engine at all: the FTS delete trigger dropped, every
 * row inserted in batched transactions, then the contentless index filled by one `INSERT … SELECT` from the memories'
 * (plain, uncompressed) text: what 'rebuild' did before migration 9 made the index contentless. This is the
 * ceiling a first backfill is measured against (issue 13: ≥ 0.5 × this rate). Returns rows per second.
 */
export async function rawBulkLoadThenRebuild(
  dir: string,
  items: number,
  kind: 'chat' | 'documents',
  file = 'raw-bulk.db',
): Promise<{ perSec: number; loadSeconds: number; rebuildSeconds: number }> {
  const store = createSqliteStore({ path: path.join(dir, file) });
  await store.migrate();
  try {
    const source = await store.createSource({ ownerId: 'local', sourceType: 'synthetic', name: 'raw', config: {} });
    const db = store.db;
    db.exec(`DROP TRIGGER chunks_ad;`);
    const insertMemory = db.prepare(`
      INSERT INTO memories (source_id, external_id, stream, title, content, content_type, url, author, container, thread, occurred_at,
        ingested_at, updated_at, content_hash, fingerprint, metadata, tags)
      VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, '{}', '[]') ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id`);
    const insertChunk = db.prepare(`INSERT INTO chunks (memory_id, seq, heading, at, len) VALUES (?, 0, NULL, 0, ?)`);
    const now = new Date().toISOString();
    // Same row sizes as the pipeline's: a 64-hex content hash and a 43-character fingerprint (not computed).
    const HASH = 'f'.repeat(64);
    const FINGERPRINT = 'F'.repeat(43);
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const it = syntheticItem(i, { seed: 1, kind, revision: 1, start: START });
        const row = insertMemory.get(
          source.id,
          it.externalId,
          it.stream,
          it.title ?? null,
          it.content,
          it.contentType,
          it.author ?? null,
          it.container ?? null,
          it.thread ?? null,
          it.occurredAt ?? null,
          now,
          now,
          HASH,
          FINGERPRINT,
        ) as { id: number } | undefined;
        if (row) insertChunk.run(row.id, it.content.length);
      }
    });
    const t0 = process.hrtime.bigint();
    for (let from = 0; from < items; from += 1000) batch(from, Math.min(items, from + 1000));
    const t1 = process.hrtime.bigint();
    db.exec(
      `INSERT INTO chunks_fts (rowid, title, text) SELECT c.id, m.title, m.content FROM chunks c JOIN memories m ON m.id = c.memory_id`,
    );
    const t2 = process.hrtime.bigint();
    const loadSeconds = Number(t1 - t0) / 1e9;
    const rebuildSeconds = Number(t2 - t1) / 1e9;
    return { perSec: items / (loadSeconds + rebuildSeconds), loadSeconds, rebuildSeconds };
  } finally {
    await store.close();
  }
}
