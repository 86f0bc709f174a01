import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { CHANGE_STREAM_DDL, claudeStreamConnector } from './claude-stream.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tributary-claude-stream-conf-'));
const dbPath = path.join(dir, 'data', 'chats.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Change = [
  chat: string,
  message: string,
  role: string,
  content: string | null,
  type: 'insert' | 'update' | 'delete',
];

function append(changes: Change[]): void {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.exec(CHANGE_STREAM_DDL);
  const insert = db.prepare(
    'INSERT INTO change_stream (chat_id, message_id, role, content, created_at, change_type) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const count = (db.prepare('SELECT count(*) AS n FROM change_stream').get() as { n: number }).n;
  changes.forEach(([chat, message, role, content, type], i) =>
    insert.run(chat, message, role, content, new Date(Date.UTC(2026, 10, 21, 9, 0, count + i)).toISOString(), type),
  );
  db.close();
}

testConnector(claudeStreamConnector, {
  config: { dbPath, pageSize: 3 },
  badSetups: [{ name: 'no chats.db', config: { dbPath: path.join(dir, 'missing', 'chats.db') } }],
  setup() {
    rmSync(path.dirname(dbPath), { recursive: true, force: true });
    mkdirSync(path.dirname(dbPath), { recursive: true });
    append([
      ['chat-a', 'm1', 'user', 'How do I rotate nginx logs?', 'insert'],
      ['chat-a', 'm2', 'assistant', 'Use logrotate with `postrotate` sending USR1.', 'insert'],
      ['chat-a', 'm2', 'assistant', 'Use logrotate; in `postrotate`, send USR1 to nginx.', 'update'],
      ['chat-b', 'm3', 'user', 'Summarise this paper', 'insert'],
      ['chat-b', 'm4', 'assistant', 'It proposes …', 'insert'],
      ['chat-b', 'm5', 'user', 'oops', 'insert'],
      ['chat-b', 'm5', 'user', null, 'delete'],
      ['chat-c', 'm6', 'user', 'Plan a trip to Lisbon', 'insert'],
    ]);
  },
  mutate() {
    append([
      ['chat-c', 'm7', 'assistant', 'Day 1: Alfama …', 'insert'],
      ['chat-b', 'm4', 'assistant', 'It proposes a new index structure.', 'update'],
      ['chat-a', 'm1', 'user', null, 'delete'],
    ]);
    return { added: ['m7'], changed: ['m4'], deleted: ['m1'] };
  },
});
