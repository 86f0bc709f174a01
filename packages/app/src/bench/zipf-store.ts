import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { fmt, timed } from './measure.js';

type BenchStore = Parameters<typeof createEngine>[0]['store'];

/**
 * Syncs `items` Zipf chat messages (the synthetic connector's realistic text mode) into `store` through the engine,
 * as a user's first sync would. `beforeClose` runs while the store is still open (e.g. to write a "complete" marker).
 */
export async function syncZipfItems(
  store: BenchStore,
  items: number,
  label: string,
  beforeClose?: () => Promise<void>,
): Promise<void> {
  const engine = createEngine({ store, connectors: [synthetic] });
  const source = await engine.sources.add({
    connector: 'synthetic',
    name: 'zipf',
    config: { count: items, pageSize: 2000, kind: 'chat', text: 'zipf' },
  });
  const t = await timed(() => engine.sync(source.id));
  await beforeClose?.();
  await engine.close();
  process.stderr.write(`  [${label}] built ${fmt(items)} Zipf items in ${fmt(t.seconds, 1)} s\n`);
}

/**
 * The embedded data dir holding `items` Zipf chat messages, built once and reused by the `search` and `cli` phases
 * (a 1M store takes minutes to build here). `dirOverride` (BENCH_SEARCH_DIR / BENCH_CLI_DIR) names one's own: the
 * default is shared by everyone running these phases on the machine.
 */
export async function zipfDataDir(items: number, label: string, dirOverride?: string): Promise<string> {
  const dataDir = dirOverride ?? path.join(os.tmpdir(), `tributary-bench-search-${items}`);
  const marker = path.join(dataDir, 'bench-complete');
  if (existsSync(marker)) return dataDir;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
  await store.migrate();
  await syncZipfItems(store, items, label);
  writeFileSync(marker, String(items));
  return dataDir;
}
