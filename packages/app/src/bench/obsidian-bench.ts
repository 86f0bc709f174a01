import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { obsidianConnector } from '@tributary/connectors/obsidian/index';
import { timed } from './measure.js';

const WORDS =
  'project meeting idea draft review garden recipe travel budget reading book paper design system cache index query note daily weekly plan goal habit research model data'.split(
    ' ',
  );

/** A vault of `n` notes (~1 KB each: front matter, tags, wikilinks, a list) in 50 folders, deterministic. */
export function writeVault(dir: string, n: number): void {
  mkdirSync(path.join(dir, '.obsidian'), { recursive: true });
  for (let f = 0; f < 50; f++) mkdirSync(path.join(dir, `area-${f}`), { recursive: true });
  for (let i = 0; i < n; i++) {
    const w = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length]!;
    const body = Array.from({ length: 12 }, (_, k) => `${w(k)} ${w(k + 1)} ${w(k + 2)} of note ${i}, line ${k}.`);
    const text = [
      '---',
      `tags: [${w(1)}, ${w(2)}]`,
      `created: 2024-0${(i % 9) + 1}-1${i % 10}`,
      '---',
      `# Note ${i}: ${w(3)} ${w(4)}`,
      '',
      `Links to [[note-${(i + 1) % n}]] and [[note-${(i * 31) % n}|an alias]]. #${w(5)}`,
      '',
      ...body,
      '',
      `- [ ] ${w(6)} follow-up`,
      `- [x] ${w(7)} done`,
      '',
    ].join('\n');
    writeFileSync(path.join(dir, `area-${i % 50}`, `note-${i}.md`), text);
  }
}

export interface ObsidianSyncResult {
  notes: number;
  firstSeconds: number;
  /** CPU time (user + system, all threads) of the first sync: robust to other load on a shared machine. */
  firstCpuSeconds: number;
  unchangedSeconds: number;
  checkpointBytes: number;
  stateRecords: number;
}

export interface ObsidianPairResult {
  small: ObsidianSyncResult;
  large: ObsidianSyncResult;
  /** Per run: large ÷ small first-sync wall time and CPU time, measured back to back. */
  runs: Array<{ wall: number; cpu: number }>;
}

/**
 * First syncs of a small and a large vault, interleaved run by run (small, large, small, large, …) on fresh stores:
 * load from other processes drifts over minutes, and measuring all small runs before all large ones put that drift
 * into the ratio. Both vaults are written before the first run, so neither run finds a warmer page cache. The best
 * (least disturbed) run of each size counts, for wall and for CPU time; every run's ratio is kept to show the spread.
 */
export async function benchObsidianPair(small: number, large: number, runs = 2): Promise<ObsidianPairResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-obsidian-'));
  try {
    const vaults = { small: path.join(dir, 'vault-small'), large: path.join(dir, 'vault-large') };
    writeVault(vaults.small, small);
    writeVault(vaults.large, large);
    // An untimed warm-up sync: otherwise the first small run alone pays for compiling the read and write paths, which
    // made the small time noisier (and the ratio more flattering) than the large one.
    const warm = path.join(dir, 'vault-warm-up');
    writeVault(warm, Math.min(small, 1000));
    await syncOnce(warm, path.join(dir, 'warm-up.db'), Math.min(small, 1000));
    let best: { small?: ObsidianSyncResult; large?: ObsidianSyncResult } = {};
    const perRun: Array<{ wall: number; cpu: number }> = [];
    const keepBest = (a: ObsidianSyncResult | undefined, r: ObsidianSyncResult): ObsidianSyncResult => ({
      ...r,
      firstSeconds: Math.min(r.firstSeconds, a?.firstSeconds ?? Infinity),
      firstCpuSeconds: Math.min(r.firstCpuSeconds, a?.firstCpuSeconds ?? Infinity),
      unchangedSeconds: Math.min(r.unchangedSeconds, a?.unchangedSeconds ?? Infinity),
    });
    for (let run = 0; run < runs; run++) {
      const a = await syncOnce(vaults.small, path.join(dir, `small-${run}.db`), small);
      const b = await syncOnce(vaults.large, path.join(dir, `large-${run}.db`), large);
      perRun.push({ wall: b.firstSeconds / a.firstSeconds, cpu: b.firstCpuSeconds / a.firstCpuSeconds });
      best = { small: keepBest(best.small, a), large: keepBest(best.large, b) };
    }
    return { small: best.small!, large: best.large!, runs: perRun };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function syncOnce(vault: string, dbPath: string, notes: number): Promise<ObsidianSyncResult> {
  const store = createSqliteStore({ path: dbPath });
  await store.migrate();
  const engine = createEngine({ store, connectors: [obsidianConnector as never] });
  try {
    const source = await engine.sources.add({ connector: 'obsidian', name: 'vault', config: { vaultPath: vault } });
    const cpu = process.cpuUsage();
    const first = await timed(() => engine.sync(source.id));
    const used = process.cpuUsage(cpu);
    if (first.result.created !== notes) throw new Error(`expected ${notes} notes, got ${first.result.created}`);
    const again = await timed(() => engine.sync(source.id));
    const checkpoint = await store.getCheckpoint(source.id);
    let stateRecords = 0;
    for (let after: string | undefined; ;) {
      const rows = await store.listConnectorState(source.id, { after, limit: 5000 });
      stateRecords += rows.length;
      if (rows.length < 5000) break;
      after = rows[rows.length - 1]![0];
    }
    return {
      notes,
      firstSeconds: first.seconds,
      firstCpuSeconds: (used.user + used.system) / 1e6,
      unchangedSeconds: again.seconds,
      checkpointBytes: Buffer.byteLength(JSON.stringify(checkpoint)),
      stateRecords,
    };
  } finally {
    await engine.close();
  }
}
