import { homedir } from 'node:os';
import path from 'node:path';
import { defineConnector } from '@tributary/sdk';
import { z } from 'zod';
import { SqliteCheckpointSchema } from './checkpoint.js';
import { expandHome } from './config.js';
import { checkSpec } from './index.js';
import { readSqlite, type SqliteReadSpec } from './read.js';
import { withExchanges } from './claude-extract.js';
import { watchChangeStream } from './claude-watch.js';

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

/** Default database of the claude-chat-stream app (home from os.homedir(), never from the environment). */
export const DEFAULT_CHATS_DB = path.join(homedir(), '.local/share/claude-chat-stream/data/chats.db');

/** Config of a `claude-stream` source. */
export const ClaudeStreamConfigSchema = z.object({
  dbPath: z
    .string()
    .min(1)
    .default(DEFAULT_CHATS_DB)
    .transform(expandHome)
    .refine((p) => path.isAbsolute(p), 'must be an absolute path (or start with ~/)')
    .describe('The claude-chat-stream database (chats.db); opened read-only while the app writes.')
    .meta({ path: true }),
  autoExtract: z
    .boolean()
    .default(false)
    .describe(
      'Extract from every message its code blocks (tags `code`, `lang:<language>`) and file paths (tag `file-paths`, metadata `filePaths`), and make each question and its answer one more memory (stream `exchanges`) in the chat’s thread.',
    ),
  pollIntervalMs: z
    .number()
    .int()
    .min(250)
    .default(5000)
    .describe(
      'How often the realtime watcher (under `up`/`worker`) looks for new rows; a new row is searchable within about 2 × this.',
    ),
  pageSize: z.number().int().min(1).max(10_000).default(500).describe('Changes per page.'),
});
export type ClaudeStreamConfig = z.output<typeof ClaudeStreamConfigSchema>;

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
  manifest: {
    name: 'claude-stream',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Claude chat stream',
    description:
      "Claude chat messages from claude-chat-stream's chats.db change stream (a preset of the sqlite connector).",
    auth: { type: 'none' },
    kind: 'local',
    config: ClaudeStreamConfigSchema,
    checkpoint: SqliteCheckpointSchema,
    streams: ['messages', 'exchanges'],
    capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true, local: true },
    features: {
      realtime: {
        default: true,
        description: 'Watch chats.db every pollIntervalMs under `up`/`worker` and sync new rows within seconds.',
      },
    },
  },
  check: async (ctx) => checkSpec(claudeStreamSpec(ctx.config)),
  read: (ctx) => {
    const pages = readSqlite(ctx, claudeStreamSpec(ctx.config));
    return ctx.config.autoExtract ? withExchanges(ctx, ctx.config.dbPath, pages) : pages;
  },
  watch: (ctx, onChange) => watchChangeStream(ctx, onChange),
});
