import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
import type { AnyConnector } from '@tributary/sdk';
import { pluginConnector } from '../plugins/connector-proxy.js';
import { describeConnector } from '../plugins/descriptor.js';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

/**
 * Sandbox overhead (issue #15): the synthetic connector read in-process against the same connector run as a plugin
 * (its `read()` in a sandbox child process, pages over IPC, the host committing them), through the same runner,
 * pipeline and SQLite store, in the same run. Size: BENCH_PLUGIN_ITEMS (default 100,000).
 */
export async function benchPluginsPhase(): Promise<void> {
  const items = Number(process.env.BENCH_PLUGIN_ITEMS ?? 100_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-plugins-'));
  try {
    // The plugin's module: the very same connector code, loaded by the sandbox process.
    const entry = path.join(dir, 'synthetic-plugin.mjs');
    writeFileSync(
      entry,
      `export { synthetic as default } from ${JSON.stringify(import.meta.resolve('@tributary/connectors/synthetic/index'))};\n`,
    );
    const sandboxed = pluginConnector(
      { label: 'bench-synthetic (connector "synthetic")', entry, cwd: dir, connector: 'synthetic' },
      describeConnector(synthetic),
      () => ({ memoryMb: 512, watchdogMs: 30_000 }),
    );
    const measure = async (connector: AnyConnector, name: string, count: number) => {
      const store = createSqliteStore({ path: path.join(dir, `${name}.db`) });
      await store.migrate();
      const engine = createEngine({ store, connectors: [connector] });
      const source = await engine.sources.add({
        connector: 'synthetic',
        name,
        config: { count, pageSize: 1000, kind: 'chat' },
      });
      const { result, seconds } = await timed(() => engine.sync(source.id));
      if (result.status !== 'succeeded' || result.created !== count)
        throw new Error(`${name}: ${result.status}, ${result.created} of ${count} created (${result.error ?? ''})`);
      await engine.close();
      return count / seconds;
    };
    // Warm both paths (JIT, page cache) before measuring; then alternate and keep each side's best of two.
    await measure(synthetic, 'warm-in', Math.min(items, 10_000));
    await measure(sandboxed, 'warm-sandbox', Math.min(items, 10_000));
    const inProcess: number[] = [];
    const inSandbox: number[] = [];
    for (let round = 0; round < 2; round++) {
      inProcess.push(await measure(synthetic, `in-${round}`, items));
      process.stderr.write(`  [plugins] in-process round ${round + 1}: ${fmt(inProcess.at(-1)!)} items/s\n`);
      inSandbox.push(await measure(sandboxed, `sandbox-${round}`, items));
      process.stderr.write(`  [plugins] sandboxed round ${round + 1}: ${fmt(inSandbox.at(-1)!)} items/s\n`);
    }
    const base = Math.max(...inProcess);
    const boxed = Math.max(...inSandbox);
    const overhead = (base / boxed - 1) * 100;
    printTable(`Plugin sandbox overhead — synthetic connector, ${fmt(items)} chat items, SQLite, same run`, [
      ['in-process (baseline)', `${fmt(base)} items/s`],
      ['sandboxed plugin', `${fmt(boxed)} items/s`],
      ['ratio sandboxed / in-process', `${fmt(boxed / base, 3)}`],
      ['overhead', `${fmt(overhead, 1)} % of wall time (target ≤ 15 %)`],
      ['host peak RSS', `${fmt(peakRssMb())} MB`],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
