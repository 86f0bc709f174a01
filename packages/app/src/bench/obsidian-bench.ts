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

/**
 * First sync (and an unchanged re-sync) of a generated vault through the real engine on SQLite, `runs` times on
 * fresh stores; the best run counts (this machine is shared: the minimum is the least disturbed measurement).
 */
export async function benchObsidianVault(notes: number, runs = 1): Promise<ObsidianSyncResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-obsidian-'));
  try {
    const vault = path.join(dir, 'vault');
    writeVault(vault, notes);
    let best: ObsidianSyncResult | undefined;
    for (let run = 0; run < runs; run++) {
      const r = await syncOnce(vault, path.join(dir, `store-${run}.db`), notes);
      best = {
        ...r,
        firstSeconds: Math.min(r.firstSeconds, best?.firstSeconds ?? Infinity),
        firstCpuSeconds: Math.min(r.firstCpuSeconds, best?.firstCpuSeconds ?? Infinity),
        unchangedSeconds: Math.min(r.unchangedSeconds, best?.unchangedSeconds ?? Infinity),
      };
    }
    return best!;
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
