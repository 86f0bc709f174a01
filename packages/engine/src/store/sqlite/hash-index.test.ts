import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-hash-index-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hasIndex = (db: Database.Database): boolean =>
  !!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'chunks_content_hash'`).get();
const plan = (db: Database.Database): string =>
  (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM chunks WHERE content_hash = ?`).all('x') as Array<{ detail: string }>)
    .map((r) => r.detail)
    .join('; ');

describe('chunk-hash index (migration 8)', () => {
  it('a keyword-only store has none; enabling embeddings builds it and hash lookups use it', async () => {
    const store = createSqliteStore({ path: path.join(dir, 't.db') });
    await store.migrate();
    expect(hasIndex(store.db)).toBe(false);
    expect(plan(store.db)).toMatch(/SCAN chunks/);
    await store.embeddingQueue.enable();
    expect(hasIndex(store.db)).toBe(true);
    expect(plan(store.db)).toMatch(/USING (COVERING )?INDEX chunks_content_hash/);
    await store.close();
  });

  it('a store that embeds gets the index back at open after the migration dropped it', async () => {
    const file = path.join(dir, 't.db');
    const first = createSqliteStore({ path: file });
    await first.migrate();
    await first.embeddingQueue.enable();
    await first.close();
    const raw = new Database(file);
    raw.exec(`DROP INDEX chunks_content_hash`); // what migration 8 does to a store migrated from version 7
    raw.close();
    const again = createSqliteStore({ path: file });
    await again.migrate();
    expect(await again.embeddingQueue.enabled()).toBe(true);
    expect(hasIndex(again.db)).toBe(true);
    await again.close();
  });
});
