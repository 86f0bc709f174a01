import { createInterface } from 'node:readline/promises';
import { styleText } from 'node:util';

/** Everything the CLI touches of its process, injected so commands run in-process in tests. */
export interface CliIo {
  /** Raw writes (commander's help goes here). */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdinIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Asks a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
  /** Registers a SIGINT handler; returns the function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    cwd: process.cwd(),
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

/** Line-oriented output with colour only on a terminal (and never with NO_COLOR). */
export class Output {
  readonly color: boolean;
  constructor(private readonly io: CliIo) {
    this.color = Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  }
  /** A line on stdout. */
  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }
  /** A line on stderr (progress, notices): keeps stdout clean for pipes. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }
  /** Pretty JSON on stdout: the `--json` shapes documented in docs/cli.md. */
  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
  bold(text: string): string {
    return this.color ? styleText('bold', text) : text;
  }
  dim(text: string): string {
    return this.color ? styleText('dim', text) : text;
  }
  green(text: string): string {
    return this.color ? styleText('green', text) : text;
  }
  red(text: string): string {
    return this.color ? styleText('red', text) : text;
  }
  yellow(text: string): string {
    return this.color ? styleText('yellow', text) : text;
  }
  /** Snippet highlight: matches (marked « » by {@link normalizeSnippet}) in bold yellow on a terminal; markers kept otherwise. */
  highlight(snippet: string): string {
    const text = normalizeSnippet(snippet);
    if (!this.color) return text;
    return text.replace(/«([^»]*)»/g, (_m, word: string) => styleText(['bold', 'yellow'], word));
  }
}

/** The CLI's one snippet form: matches wrapped in « », whether the store marked them with `<mark>` or « ». */
export function normalizeSnippet(snippet: string): string {
  return snippet
    .replace(/<mark>/g, '«')
    .replace(/<\/mark>/g, '»')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Renders rows as aligned columns (no borders: easy to read and to grep). */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(Math.max(0, widths[i]! - visibleLength(c)))))
      .join('  ')
      .trimEnd();
  return [fmt(headers), ...rows.map(fmt)];
}

function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** `1.2s`, `3m 04s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** A short local-independent time: `2024-05-01 10:00` (UTC), or `never`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
