import { defineConnector } from '@tributary/sdk';
import { checkSpec } from './index.js';
import { readSqlite, type SqliteReadSpec } from './read.js';
import { withExchanges } from './claude-extract.js';
import { watchChangeStream } from './claude-watch.js';
import { claudeStreamManifest, type ClaudeStreamConfig } from './claude-stream-manifest.js';

export { ClaudeStreamConfigSchema, DEFAULT_CHATS_DB, type ClaudeStreamConfig } from './claude-stream-manifest.js';

/**
 * The `change_stream` table this preset reads. We do not have claude-chat-stream's real schema: this is the shape
 * we assume (documented in docs/connectors/claude-stream.md) — an append-only log of message changes.
 */
export const CHANGE_STREAM_DDL = `CREATE TABLE IF NOT EXISTS change_stream (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  role TEXT NOT NULL,
  content TEXT,
  created_at TEXT NOT NULL,
  change_type TEXT NOT NULL CHECK (change_type IN ('insert', 'update', 'delete'))
)`;

/** The sqlite reader, fixed to `change_stream`: one item per message (its latest version), deletes for deletions. */
export function claudeStreamSpec(config: ClaudeStreamConfig): SqliteReadSpec {
  return {
    dbPath: config.dbPath,
    table: 'change_stream',
    cursorColumn: 'id',
    cursorType: 'integer',
    tieBreakColumn: 'rowid',
    pageSize: config.pageSize,
    mapping: {
      columns: {
        externalId: 'message_id',
        content: 'content',
        author: 'role',
        occurredAt: 'created_at',
        container: 'chat_id',
        thread: 'chat_id',
        metadata: ['chat_id', 'role', 'change_type'],
      },
      idColumn: 'message_id',
      contentType: 'markdown',
      stream: 'messages',
      deleteWhen: { column: 'change_type', values: ['delete'] },
    },
  };
}

/**
 * Claude chats as recorded by claude-chat-stream: a preset of the `sqlite` connector over its `change_stream` table
 * (inserts and updates become message versions, deletes become deletions).
 */
export const claudeStreamConnector = defineConnector({
  manifest: claudeStreamManifest,
  check: async (ctx) => checkSpec(claudeStreamSpec(ctx.config)),
  read: (ctx) => {
    const pages = readSqlite(ctx, claudeStreamSpec(ctx.config));
    return ctx.config.autoExtract ? withExchanges(ctx, ctx.config.dbPath, pages) : pages;
  },
  watch: (ctx, onChange) => watchChangeStream(ctx, onChange),
});
