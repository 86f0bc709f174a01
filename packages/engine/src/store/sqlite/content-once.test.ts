import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, prepared } from '../contract-support.js';
import { createSqliteStore } from './index.js';
import { LATEST_SQLITE_VERSION, SQLITE_MIGRATIONS } from './migrations.js';
import { checkFtsIndex } from './fts-check.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-content-once-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECTION = (n: number): string =>
  `## Section ${n}\n\n` +
  Array.from({ length: 40 }, (_, k) => `Paragraph ${k} of section ${n} talks about herons and kingfishers.`).join(
    '\n\n',
  );
const LONG = [SECTION(1), SECTION(2), 'The final words: a lighthouse keeper named Zebulon.'].join('\n\n');

/** A version-8 database written as the version-8 write path did (chunk copies, external-content index by trigger). */
function writeVersion8(file: string): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  for (const m of SQLITE_MIGRATIONS.filter((m) => m.version <= 8)) {
    db.exec(m.sql);
    db.prepare(`INSERT INTO schema_migrations VALUES (?, ?, 'then')`).run(m.version, m.name);
  }
  db.exec(
    `INSERT INTO data_sources (id, owner_id, source_type, name, created_at, updated_at) VALUES ('s', 'local', 'synthetic', 'src', 'then', 'then')`,
  );
  const memory = db.prepare(`INSERT INTO memories (source_id, external_id, stream, title, content, content_type,
    ingested_at, updated_at, content_hash, fingerprint, deleted_at) VALUES ('s', ?, 'messages', ?, ?, ?, 'then', 'then', ?, 'f', ?) RETURNING id`);
  const chunk = db.prepare(
    `INSERT INTO chunks (memory_id, seq, heading, title, text, content_hash) VALUES (?, ?, ?, ?, ?, 'h')`,
  );
  const items = prepared([
    chat('short', 'a short note about herons'),
    chat('doc', LONG, { title: 'Birds of the coast', contentType: 'markdown' }),
    chat('accents', 'Le café de l’École est fermé'),
    chat('gone', 'a tombstoned note about herons'),
  ]);
  for (const item of items) {
    const gone = item.externalId === 'gone';
    const { id } = memory.get(
      item.externalId,
      item.title,
      item.content,
      item.contentType,
      item.contentHash,
      gone ? 'then' : null,
    ) as {
      id: number;
    };
    if (gone) continue; // a tombstone keeps no chunks
    for (const c of item.chunks) chunk.run(id, c.seq, c.heading, c.seq === 0 ? item.title : null, c.text);
  }
  db.prepare(
    `INSERT INTO memory_versions (memory_id, version, title, content, content_hash, superseded_at) VALUES (2, 1, 'Old title', ?, 'h0', 'then')`,
  ).run(`An older text of the document. ${'It mentioned ospreys. '.repeat(30)}`);
  // A backfill that died with chunks deferred: the migration must index them too.
  db.exec(`INSERT INTO fts_backlog (id, from_chunk, touched_at) VALUES (1, (SELECT max(id) + 1 FROM chunks), 'then')`);
  const deferred = prepared([chat('late', 'written during a deferred backfill: pelican')])[0]!;
  const { id } = memory.get('late', null, deferred.content, 'text', deferred.contentHash, null) as { id: number };
  chunk.run(id, 0, null, null, deferred.content);
  db.close();
}

/** Memory ids a MATCH finds through a version-8 database's own index (chunks it indexed, live memories). */
function matchesV8(file: string, match: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db
        .prepare(
          `SELECT DISTINCT c.memory_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
           JOIN memories m ON m.id = c.memory_id WHERE chunks_fts MATCH ? AND m.deleted_at IS NULL ORDER BY 1`,
        )
        .pluck()
        .all(match) as number[]
    ).map(String);
  } finally {
    db.close();
  }
}

describe('migration 9: content stored once', () => {
  it('converts a version-8 database in place: same search results, same texts, smaller rows', async () => {
    const file = path.join(dir, 'v8.db');
    writeVersion8(file);
    const queries = ['herons', '"herons and kingfishers"', 'kingf*', 'zebulon', 'cafe', 'ecole', 'coast', 'section 2'];
    const before = Object.fromEntries(queries.map((q) => [q, matchesV8(file, q)]));
    expect(before.herons).toEqual(['1', '2']); // the tombstone is not found

    const store = createSqliteStore({ path: file });
    expect(await store.migrate()).toMatchObject({ current: LATEST_SQLITE_VERSION, latest: LATEST_SQLITE_VERSION });
    for (const q of queries) {
      const hits = (await store.search({ text: q, syntax: 'fts' })).hits.map((h) => h.memoryId).sort();
      expect(hits, q).toEqual(before[q]);
    }
    // The deferred chunk was indexed by the migration, and the index is exact.
    expect((await store.search({ text: 'pelican' })).hits.map((h) => h.externalId)).toEqual(['late']);
    checkFtsIndex(store.db);
    expect(store.db.prepare(`SELECT count(*) AS n FROM fts_backlog`).get()).toEqual({ n: 0 });

    // Texts read back unchanged; the long one (and its old version) stored compressed, chunks without copies.
    const doc = (await store.getMemory('2'))!;
    expect(doc.content).toBe(LONG);
    expect(doc.versions[0]!.content).toMatch(/^An older text of the document\. It mentioned ospreys\./);
    const stored = store.db
      .prepare(`SELECT typeof(content) AS t, length(content) AS n, content_bytes AS b FROM memories WHERE id = 2`)
      .get() as { t: string; n: number; b: number };
    expect(stored).toMatchObject({ t: 'blob', b: Buffer.byteLength(LONG) });
    expect(stored.n).toBeLessThan(LONG.length / 3);
    expect(store.db.prepare(`SELECT typeof(content) FROM memory_versions`).pluck().get()).toBe('blob');
    const columns = (store.db.prepare(`PRAGMA table_info(chunks)`).all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns).not.toContain('text');
    expect(columns).not.toContain('title');

    // Snippets are cut from the span of the content, with the matched words marked.
    const [hit] = (await store.search({ text: 'zebulon' })).hits;
    expect(hit!.snippet).toContain('keeper named <mark>Zebulon</mark>.');
    const [phrase] = (await store.search({ text: '"herons and kingfishers"' })).hits;
    expect(phrase!.snippet).toMatch(/<mark>herons and kingfishers<\/mark>/);
    const [accent] = (await store.search({ text: 'ecole' })).hits;
    expect(accent!.snippet).toBe('Le café de l’<mark>École</mark> est fermé');

    // Deleting after the migration removes index rows by id (no old text needed).
    await store.commitPage({ sourceId: 's', runId: null, items: [], deletes: ['doc'], checkpoint: undefined });
    expect((await store.search({ text: 'zebulon' })).hits).toEqual([]);
    checkFtsIndex(store.db);
    await store.close();
  });

  it('reports its progress to onMigrationProgress: rows converted of memories + versions, up to the total', async () => {
    const file = path.join(dir, 'v8-progress.db');
    writeVersion8(file);
    const reports: Array<{ version: number; done: number; total: number }> = [];
    const store = createSqliteStore({
      path: file,
      onMigrationProgress: ({ version, done, total }) => reports.push({ version, done, total }),
    });
    await store.migrate();
    // 5 memories (the tombstone too) and 1 old version, each batch reported once it is converted.
    expect(reports.filter((r) => r.version === 9)).toEqual([
      { version: 9, done: 5, total: 6 },
      { version: 9, done: 6, total: 6 },
    ]);
    await store.close();
  });
});
