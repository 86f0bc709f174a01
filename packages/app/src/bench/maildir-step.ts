#!/usr/bin/env node
/**
 * One Tributary step of the Maildir bench, in its own process so its peak RSS is its own:
 * `node maildir-step.js <db> <maildir>` syncs the `maildir` source of that database (added on first use) and prints
 * one JSON line: sync seconds (the run, not process start-up), peak RSS and the run's counters.
 */
import { createEngine, createSqliteStore } from '@tributary/engine';
import { maildirConnector } from '@tributary/connectors/maildir/index';
import { boundSyncHeapGrowth } from '../runtime/sync-heap.js';
import { peakRssMb, timed } from './measure.js';

const [dbPath, rootDir] = process.argv.slice(2);
if (!dbPath || !rootDir) throw new Error('usage: maildir-step <db> <maildir>');
// As `tributary sync` and the sync threads do.
boundSyncHeapGrowth();
const store = createSqliteStore({ path: dbPath });
await store.migrate();
const engine = createEngine({ store, connectors: [maildirConnector] });
const existing = (await engine.sources.list()).find((s) => s.name === 'bench-maildir');
const source =
  existing ?? (await engine.sources.add({ connector: 'maildir', name: 'bench-maildir', config: { rootDir } }));
const cpu = process.cpuUsage();
const run = await timed(() => engine.sync(source.id));
const used = process.cpuUsage(cpu);
await engine.close();
const r = run.result;
console.log(
  JSON.stringify({
    seconds: run.seconds,
    // CPU of every thread of the process: on a shared machine the fair comparison with mu and notmuch.
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssMb: peakRssMb(),
    status: r.status,
    error: r.error,
    seen: r.itemsSeen,
    created: r.created,
    updated: r.updated,
    deleted: r.deleted,
    unchanged: r.unchanged,
    failed: r.failed,
  }),
);
