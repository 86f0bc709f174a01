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
