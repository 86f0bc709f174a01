import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { sqliteConnector } from './index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tributary-sqlite-conf-'));
const dbPath = path.join(dir, 'notes.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A notes table with an updated_at timestamp (many rows share one) and a soft-delete flag: the shape of many apps.
const at = (n: number): string => `2026-11-21 10:00:${String(Math.floor(n / 4)).padStart(2, '0')}`;

testConnector(sqliteConnector, {
  config: {
    dbPath,
    table: 'notes',
    cursorColumn: 'updated_at',
    cursorType: 'timestamp',
    columns: {
      externalId: 'uid',
      content: 'body',
      title: 'title',
      occurredAt: 'updated_at',
      container: 'folder',
      metadata: ['folder'],
    },
    deleteWhen: { column: 'deleted', values: [1] },
    pageSize: 4,
  },
  badSetups: [
    {
      name: 'missing database',
      config: { dbPath: path.join(dir, 'nope.db'), table: 'notes', columns: { content: 'body' } },
    },
    { name: 'missing table', config: { dbPath, table: 'nope', columns: { content: 'body' } } },
  ],
  setup() {
    rmSync(dbPath, { force: true });
    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    db.exec(
      `CREATE TABLE notes (uid TEXT PRIMARY KEY, title TEXT, body TEXT, folder TEXT, updated_at TEXT, deleted INTEGER DEFAULT 0)`,
    );
    const insert = db.prepare('INSERT INTO notes (uid, title, body, folder, updated_at) VALUES (?, ?, ?, ?, ?)');
    for (let n = 0; n < 18; n++)
      insert.run(`note-${n}`, `Note ${n}`, `Body of note ${n}`, n % 2 ? 'work' : 'home', at(n));
    db.close();
  },
  mutate() {
    const db = new Database(dbPath);
    db.prepare(
      "INSERT INTO notes (uid, title, body, folder, updated_at) VALUES ('note-new', 'New', 'A new note', 'home', '2026-11-21 11:00:00')",
    ).run();
    db.prepare("UPDATE notes SET body = 'Edited', updated_at = '2026-11-21 11:00:00' WHERE uid = 'note-3'").run();
    db.prepare("UPDATE notes SET deleted = 1, updated_at = '2026-11-21 11:00:01' WHERE uid = 'note-5'").run();
    db.close();
    return { added: ['note-new'], changed: ['note-3'], deleted: ['note-5'] };
  },
});
