/** What the SQLite store reports as a migration that converts data advances (`onMigrationProgress`). */
export interface MigrationProgress {
  version: number;
  name: string;
  done: number;
  total: number;
}

/** Where the report goes (stderr): a terminal gets one line redrawn in place, a pipe or a service log a line per step. */
export interface MigrationProgressSink {
  stderr: { isTTY?: boolean; write(text: string): unknown };
  now?: () => number;
}

/** Nothing is shown for a conversion that ends within this: a small or fresh store opens silently. */
const QUIET_MS = 1000;
/** A terminal line is redrawn at most this often. */
const REDRAW_MS = 200;
/** A pipe or service log gets a line every this many rows… */
const LINE_EVERY = 100_000;
/** …or every this fraction of the total, whichever comes first. */
const LINE_FRACTION = 0.1;

const count = (n: number): string => n.toLocaleString('en-US');

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** `migration 9 (content stored once: …): 120,000/1,000,000 rows (12%) · 14 s · about 1 min 43 s left` */
export function progressText(p: MigrationProgress, elapsedMs: number): string {
  const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
  const left =
    p.done > 0 && p.done < p.total ? ` · about ${duration((elapsedMs / p.done) * (p.total - p.done))} left` : '';
  return (
    `upgrading the database, migration ${p.version} (${p.name}): ` +
    `${count(p.done)}/${count(p.total)} rows (${pct}%) · ${duration(elapsedMs)}${left}`
  );
}

/**
 * The store's migration progress callback for a process, on stderr: a line redrawn in place on a terminal (the
 * migration blocks the event loop, so a timer-driven progress bar could not draw), otherwise — `serve` under a
 * service manager, a pipe — a line per {@link LINE_EVERY} rows or tenth of the total. Stderr, not the process's log:
 * `serve` logs warnings only, and a store being upgraded for minutes must say so. Silent for a conversion shorter
 * than {@link QUIET_MS}.
 */
export function migrationProgressReporter(sink: MigrationProgressSink): (p: MigrationProgress) => void {
  const now = sink.now ?? Date.now;
  let version = -1;
  let started = 0;
  let shown = false;
  let lastDraw = -Infinity;
  let nextLine = 0;
  return (p) => {
    const t = now();
    if (p.version !== version) {
      version = p.version;
      started = t;
      shown = false;
      lastDraw = -Infinity;
      nextLine = 0;
    }
    const elapsed = t - started;
    const finished = p.done >= p.total;
    if (!shown && (elapsed < QUIET_MS || finished)) return;
    const step = Math.max(1, Math.min(LINE_EVERY, Math.ceil(p.total * LINE_FRACTION)));
    if (sink.stderr.isTTY === true) {
      if (!finished && t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      sink.stderr.write(`\r${progressText(p, elapsed)}\x1b[K${finished ? '\n' : ''}`);
    } else {
      if (!finished && p.done < nextLine) return;
      nextLine = (Math.floor(p.done / step) + 1) * step;
      sink.stderr.write(`${progressText(p, elapsed)}\n`);
    }
    shown = true;
  };
}
