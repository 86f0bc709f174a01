import { homedir } from 'node:os';
import path from 'node:path';
import { defineManifest } from '@tributary/sdk';
import { z } from 'zod';
import { expandHome } from './config.js';
import { SqliteCheckpointSchema } from './checkpoint.js';

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

/** The `claude-stream` connector without its code: the registry lists it and validates sources from this alone. */
export const claudeStreamManifest = defineManifest({
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
});
