import { defineManifest } from '@tributary/sdk';
import { SqliteCheckpointSchema } from './checkpoint.js';
import { SqliteConfigSchema } from './config.js';

/** The `sqlite` connector without its code: the registry lists it and validates sources from this alone. */
export const sqliteManifest = defineManifest({
  name: 'sqlite',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'SQLite table',
  description: 'Rows of any SQLite table or query, incrementally by a cursor column (id or timestamp), read-only.',
  auth: { type: 'none' },
  kind: 'local',
  config: SqliteConfigSchema,
  checkpoint: SqliteCheckpointSchema,
  streams: ['rows'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true, local: true },
});
