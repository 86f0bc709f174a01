/**
 * A real sync in a child process, for crash tests: `sync-child.ts <db> <sourceId> [mergeChunks]`. Prints one line per committed
 * page so the parent can kill it (SIGKILL) at a random moment. A short lease lets the next child take over soon
 * after a kill, as another worker would.
 */
import { synthetic } from '@tributary/connectors/synthetic/index';
import { createSqliteStore } from '../../store/sqlite/index.js';
import { createEngine } from '../create-engine.js';

const [dbPath, sourceId, mergeChunks] = process.argv.slice(2);
// An optional third argument: the deferred-index merge size, so a crash test can kill mid-merge.
const store = createSqliteStore({
  path: dbPath!,
  ftsBacklog: mergeChunks ? { mergeChunks: Number(mergeChunks) } : undefined,
});
await store.migrate();
const engine = createEngine({ store, connectors: [synthetic], leaseTtlMs: 1500 });
const run = await engine.sync(sourceId!, {
  waitForLease: true,
  onProgress: (p) => {
    if (p.phase === 'reading' && p.pages > 0) process.stdout.write(`page ${p.pages} ${p.itemsSeen}\n`);
  },
});
process.stdout.write(`done ${run.status} ${run.created}\n`);
await engine.close();
