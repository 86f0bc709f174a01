import { describe, expect, it } from 'vitest';
import { ClaudeStreamConfigSchema, claudeStreamSpec, DEFAULT_CHATS_DB } from './claude-stream.js';
import { SqliteConfigSchema } from './config.js';
import { toIso, toRowOutcome } from './map.js';
import { homedir } from 'node:os';

describe('toIso', () => {
  it('reads the timestamp shapes SQLite apps store', () => {
    expect(toIso('2026-11-21 10:00:00')).toBe('2026-11-21T10:00:00.000Z'); // CURRENT_TIMESTAMP is UTC
    expect(toIso('2026-11-21T10:00:00+02:00')).toBe('2026-11-21T08:00:00.000Z');
    expect(toIso(1763719200)).toBe('2025-11-21T10:00:00.000Z');
    expect(toIso(1763719200123)).toBe('2025-11-21T10:00:00.123Z');
    expect(toIso('2026-11-21')).toBe('2026-11-21T00:00:00.000Z');
    expect(toIso('not a date')).toBeUndefined();
    expect(toIso(null)).toBeUndefined();
  });
});

describe('toRowOutcome', () => {
  const mapping = {
    columns: { content: 'body', title: 'subject', author: 'who', occurredAt: 'at', metadata: ['kind'] },
    idColumn: 'id',
    contentType: 'text' as const,
    stream: 'rows',
    deleteWhen: { column: 'op', values: ['delete'] },
  };
  it('maps columns to item fields', () => {
    const out = toRowOutcome(
      {
        id: 7,
        body: Buffer.from('hello'),
        subject: 'Hi',
        who: 'ann',
        at: '2026-01-02 03:04:05',
        kind: 'note',
        op: 'insert',
      },
      mapping,
    );
    expect(out).toEqual({
      kind: 'item',
      item: {
        externalId: '7',
        stream: 'rows',
        content: 'hello',
        contentType: 'text',
        title: 'Hi',
        author: 'ann',
        occurredAt: '2026-01-02T03:04:05.000Z',
        metadata: { kind: 'note' },
      },
    });
  });
  it('turns a delete marker into a delete, and a row without content into an error', () => {
    expect(toRowOutcome({ id: 7, body: null, op: 'delete' }, mapping)).toEqual({ kind: 'delete', externalId: '7' });
    expect(toRowOutcome({ id: 8, body: null, op: 'insert' }, mapping).kind).toBe('invalid');
  });
});

describe('config', () => {
  it('expands ~ from the home directory and defaults claude-stream to chats.db', () => {
    const c = SqliteConfigSchema.parse({ dbPath: '~/x.db', table: 't', columns: { content: 'c' } });
    expect(c.dbPath).toBe(`${homedir()}/x.db`);
    const cs = ClaudeStreamConfigSchema.parse({});
    expect(cs.dbPath).toBe(DEFAULT_CHATS_DB);
    expect(DEFAULT_CHATS_DB).toBe(`${homedir()}/.local/share/claude-chat-stream/data/chats.db`);
    expect(cs.pollIntervalMs).toBe(5000);
  });
  it('refuses both or neither of table and query', () => {
    expect(SqliteConfigSchema.safeParse({ dbPath: '/x.db', columns: { content: 'c' } }).success).toBe(false);
    expect(
      SqliteConfigSchema.safeParse({ dbPath: '/x.db', table: 't', query: 'SELECT 1', columns: { content: 'c' } })
        .success,
    ).toBe(false);
  });
});

describe('claude-stream mapping', () => {
  it('maps a change row to a message item (auto_extract works on pages: claude-extract.test.ts)', () => {
    const row = {
      id: 9,
      chat_id: 'c1',
      message_id: 'm1',
      role: 'assistant',
      content: 'Hi **there**',
      created_at: '2026-11-21T09:00:00Z',
      change_type: 'update',
    };
    const plain = toRowOutcome(row, claudeStreamSpec(ClaudeStreamConfigSchema.parse({ dbPath: '/x.db' })).mapping);
    expect(plain).toEqual({
      kind: 'item',
      item: {
        externalId: 'm1',
        stream: 'messages',
        content: 'Hi **there**',
        contentType: 'markdown',
        author: 'assistant',
        occurredAt: '2026-11-21T09:00:00.000Z',
        container: 'c1',
        thread: 'c1',
        metadata: { chat_id: 'c1', role: 'assistant', change_type: 'update' },
      },
    });
    const tagged = toRowOutcome(
      row,
      claudeStreamSpec(ClaudeStreamConfigSchema.parse({ dbPath: '/x.db', autoExtract: true })).mapping,
    );
    expect(tagged).toEqual(plain);
    expect(
      toRowOutcome(
        { ...row, content: null, change_type: 'delete' },
        claudeStreamSpec(ClaudeStreamConfigSchema.parse({})).mapping,
      ),
    ).toEqual({ kind: 'delete', externalId: 'm1' });
  });
});
