import { benchLogs } from '@tributary/connectors/logs/bench';
import { benchMbox } from '@tributary/connectors/mbox/bench';
import { fmt, printTable } from './measure.js';

/** Access-log reading: a generated 1M-line combined log through the logs connector. */
export async function benchLogsPhase(): Promise<void> {
  const r = await benchLogs({ lines: Number(process.env.BENCH_LOG_LINES ?? 1_000_000) });
  printTable(`logs connector (${fmt(r.lines)} combined-format lines)`, [
    ['read', `${fmt(r.linesPerSec)} lines/s (${fmt(r.seconds, 1)} s)`],
    ['peak RSS', `${r.peakRssMb} MB`],
  ]);
}

/** mbox reading: a ≥ 1 GB file generated from the real test messages, streamed through the mbox connector. */
export async function benchMboxPhase(): Promise<void> {
  const r = await benchMbox({ targetBytes: Number(process.env.BENCH_MBOX_BYTES ?? 1024 * 1024 * 1024) });
  printTable(`mbox connector (${fmt(r.bytes / 1024 / 1024)} MB, ${fmt(r.messages)} messages)`, [
    ['read', `${fmt(r.mbPerSec, 1)} MB/s, ${fmt(r.messagesPerSec)} messages/s (${fmt(r.seconds, 1)} s)`],
    ['RSS', `peak ${fmt(r.peakRssMb)} MB; samples ${r.rssSamplesMb.map((m) => fmt(m)).join(' / ')} MB`],
  ]);
}

/**
 * Obsidian first sync at two vault sizes in the same run: linear means the 20k/5k time ratio stays near 4 (≤ 4.5),
 * with a checkpoint of a few bytes (per-note records live in connector state).
 */
export async function benchObsidianPhase(): Promise<void> {
  const { benchObsidianPair } = await import('./obsidian-bench.js');
  const small = Number(process.env.BENCH_OBSIDIAN_SMALL ?? 5_000);
  const large = Number(process.env.BENCH_OBSIDIAN_LARGE ?? 20_000);
  const runs = Number(process.env.BENCH_OBSIDIAN_RUNS ?? 3);
  const { small: a, large: b, runs: perRun } = await benchObsidianPair(small, large, runs);
  printTable(
    `obsidian connector (first sync of ${fmt(small)} and ${fmt(large)} generated notes, SQLite, best of ${runs} interleaved runs)`,
    [
      [`first sync ${fmt(small)}`, `${fmt(a.firstSeconds, 2)} s (${fmt(small / a.firstSeconds)} notes/s)`],
      [`first sync ${fmt(large)}`, `${fmt(b.firstSeconds, 2)} s (${fmt(large / b.firstSeconds)} notes/s)`],
      ['ratio', `${fmt(b.firstSeconds / a.firstSeconds, 2)} for ${fmt(large / small, 1)}× the notes (target ≤ 4.5)`],
      [
        'CPU time (ratio)',
        `${fmt(a.firstCpuSeconds, 2)} s / ${fmt(b.firstCpuSeconds, 2)} s (${fmt(b.firstCpuSeconds / a.firstCpuSeconds, 2)})`,
      ],
      ['ratio per run (wall / CPU)', perRun.map((r) => `${fmt(r.wall, 2)} / ${fmt(r.cpu, 2)}`).join(', ')],
      ['unchanged re-sync', `${fmt(a.unchangedSeconds, 2)} s / ${fmt(b.unchangedSeconds, 2)} s`],
      ['checkpoint', `${a.checkpointBytes} B / ${b.checkpointBytes} B (target ≤ 4096)`],
      ['state records', `${fmt(a.stateRecords)} / ${fmt(b.stateRecords)}`],
    ],
  );
}
