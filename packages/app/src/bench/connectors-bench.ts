import { benchLogs } from '@tributary/connectors/logs/bench';
import { fmt, printTable } from './measure.js';

/** Access-log reading: a generated 1M-line combined log through the logs connector. */
export async function benchLogsPhase(): Promise<void> {
  const r = await benchLogs({ lines: Number(process.env.BENCH_LOG_LINES ?? 1_000_000) });
  printTable(`logs connector (${fmt(r.lines)} combined-format lines)`, [
    ['read', `${fmt(r.linesPerSec)} lines/s (${fmt(r.seconds, 1)} s)`],
    ['peak RSS', `${r.peakRssMb} MB`],
  ]);
}
