import cliProgress from 'cli-progress';
import type { SyncProgress } from '@tributary/engine';
import type { CliIo } from './io.js';
import { formatDuration } from './io.js';

/** Receives a sync's progress events and shows them. */
export interface ProgressView {
  update(source: string, p: SyncProgress): void;
  /** The run ended: leave the terminal clean. */
  stop(): void;
}

/** Items per second so far (0 in the first quarter second: a rate over a few milliseconds is noise). */
export function rateOf(p: Pick<SyncProgress, 'itemsSeen' | 'elapsedMs'>): number {
  return p.elapsedMs < 250 ? 0 : Math.round((p.itemsSeen / p.elapsedMs) * 1000);
}

/** The plain progress line (pipes, CI logs): `sync notes: reading · 120 items · 40/s · page 3 · 3.0s`. */
export function progressLine(source: string, p: SyncProgress): string {
  const parts = [`${p.itemsSeen} items`];
  if (p.total !== undefined) parts[0] = `${p.itemsSeen}/${p.total} items`;
  parts.push(`${rateOf(p)}/s`, `page ${p.pages}`, formatDuration(p.elapsedMs));
  if (p.failed > 0) parts.push(`${p.failed} errors`);
  return `sync ${source}: ${p.phase} · ${parts.join(' · ')}${p.message ? ` · ${p.message}` : ''}`;
}

/**
 * Chooses the view: a live line (cli-progress) on a terminal, plain lines otherwise — one per new page or phase,
 * at most one per second — and nothing with `quiet` (for `--json`).
 */
export function createProgressView(io: CliIo, options: { quiet?: boolean; now?: () => number }): ProgressView {
  if (options.quiet) return { update() {}, stop() {} };
  if (io.stderr.isTTY) return terminalView(io);
  return plainView(io, options.now ?? Date.now);
}

function plainView(io: CliIo, now: () => number): ProgressView {
  let lastAt = -Infinity;
  let lastKey = '';
  return {
    update(source, p) {
      const key = `${source}|${p.phase}|${p.pages}`;
      const t = now();
      const phaseChanged = !lastKey.startsWith(`${source}|${p.phase}|`);
      if (key === lastKey || (!phaseChanged && t - lastAt < 1000)) return;
      lastKey = key;
      lastAt = t;
      io.stderr.write(`${progressLine(source, p)}\n`);
    },
    stop() {},
  };
}

function terminalView(io: CliIo): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format:
        'sync {source} {phase} | {value} items{total_text} | {rate}/s | +{created} ~{updated} -{deleted} ={unchanged}{errors} | {elapsed}',
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(source, p) {
      const payload = {
        source,
        phase: p.phase.padEnd(10),
        rate: rateOf(p),
        created: p.created,
        updated: p.updated,
        deleted: p.deleted,
        unchanged: p.unchanged,
        errors: p.failed > 0 ? ` | ${p.failed} errors` : '',
        total_text: p.total !== undefined ? `/${p.total}` : '',
        elapsed: formatDuration(p.elapsedMs),
      };
      if (!started) {
        bar.start(p.total ?? 0, p.itemsSeen, payload);
        started = true;
      } else {
        bar.update(p.itemsSeen, payload);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
