import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteCheckpoint } from './checkpoint.js';
import { sqliteConnector } from './index.js';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-sqlite-read-'));
  dbPath = path.join(dir, 'app.db');
  const db = new Database(dbPath);
  db.exec(`CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE posts (author_id INTEGER, body TEXT, created INTEGER);
    INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bo');
    INSERT INTO posts VALUES (1, 'first', 1763719200), (2, 'second', 1763719260), (1, 'third', 1763719320);`);
  db.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = async (config: Record<string, unknown>, checkpoint?: SqliteCheckpoint) => {
  const pages = await collectPages(
    sqliteConnector,
    createTestContext(sqliteConnector, { config: { dbPath, ...config }, checkpoint }),
  );
  return { items: pages.flatMap((p) => p.items ?? []), checkpoint: pages.at(-1)!.checkpoint };
};

describe('sqlite read', () => {
  it('reads a table without an id column by rowid', async () => {
    const { items, checkpoint } = await read({
      table: 'posts',
      cursorColumn: 'rowid',
      columns: { content: 'body', occurredAt: 'created' },
      pageSize: 2,
    });
    expect(items.map((i) => [i.externalId, i.content, i.occurredAt])).toEqual([
      ['1', 'first', '2025-11-21T10:00:00.000Z'],
      ['2', 'second', '2025-11-21T10:01:00.000Z'],
      ['3', 'third', '2025-11-21T10:02:00.000Z'],
    ]);
    expect(checkpoint).toEqual({ column: 'rowid', cursor: 3 });
  });

  it('reads a query (a join) by one of its columns, incrementally', async () => {
    const config = {
      query: 'SELECT p.rowid AS post_id, p.body, a.name AS author FROM posts p JOIN authors a ON a.id = p.author_id;',
      cursorColumn: 'post_id',
      columns: { content: 'body', author: 'author' },
    };
    const first = await read(config);
    expect(first.items.map((i) => `${i.externalId}:${i.author}:${i.content}`)).toEqual([
      '1:Ann:first',
      '2:Bo:second',
      '3:Ann:third',
    ]);
    const db = new Database(dbPath);
    db.exec(`INSERT INTO posts VALUES (2, 'fourth', 1763719380)`);
    db.close();
    const next = await read(config, first.checkpoint);
    expect(next.items.map((i) => i.content)).toEqual(['fourth']);
  });

  it('refuses a statement that writes, and never writes to the database', async () => {
    const ctx = createTestContext(sqliteConnector, {
      config: { dbPath, query: 'DELETE FROM posts RETURNING rowid AS id, body', columns: { content: 'body' } },
    });
    await expect(collectPages(sqliteConnector, ctx)).rejects.toMatchObject({ code: 'invalid_config' });
    const db = new Database(dbPath, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM posts').get() as { n: number }).n).toBe(3);
    db.close();
  });

  it('a checkpoint of another cursor column is cursor_invalid', async () => {
    const ctx = createTestContext(sqliteConnector, {
      config: { dbPath, table: 'posts', cursorColumn: 'rowid', columns: { content: 'body' } },
      checkpoint: { column: 'id', cursor: 4 },
    });
    await expect(collectPages(sqliteConnector, ctx)).rejects.toMatchObject({ code: 'cursor_invalid' });
  });
});
