/**
 * An obsidian sync in a child process, for the connector-state crash test: `state-sync-child.ts <db> <sourceId>`.
 * Prints one line per committed page so the parent can kill it (SIGKILL) mid-run.
 */
import { obsidianConnector } from '@tributary/connectors/obsidian/index';
import { createSqliteStore } from '../../store/sqlite/index.js';
import { createEngine } from '../create-engine.js';

const [dbPath, sourceId] = process.argv.slice(2);
const store = createSqliteStore({ path: dbPath! });
await store.migrate();
const engine = createEngine({ store, connectors: [obsidianConnector as never], leaseTtlMs: 1500 });
const run = await engine.sync(sourceId!, {
  waitForLease: true,
  onProgress: (p) => {
    if (p.phase === 'reading' && p.pages > 0) process.stdout.write(`page ${p.pages} ${p.itemsSeen}\n`);
  },
});
process.stdout.write(`done ${run.status} ${run.created}\n`);
await engine.close();
