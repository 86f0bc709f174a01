import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnyConnector } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk/errors';
import type { Engine } from '@tributary/engine';
import { Output, type CliIo } from './io.js';

/**
 * Opens the engine on a data dir; injected so tests can supply their own connectors. `readOnly`: the command only
 * reads (search), so a factory may open the store alone, without the queue, vault, scheduler or sync threads and
 * without their start-up writes (see engine-factory.ts); a factory may also ignore it.
 */
export type EngineFactory = (
  dataDir: string,
  connectors: AnyConnector[],
  options?: { readOnly?: boolean; recoverDeadRuns?: boolean },
) => Promise<Engine>;

/** Name of the SQLite file inside the data dir. */
export const DB_FILE = 'tributary.db';
/** Name of the declarative config file `init` writes. */
export const CONFIG_FILE = 'tributary.yaml';

/**
 * Where Tributary keeps its data: `--data-dir`, else `$TRIBUTARY_HOME`, else `~/.tributary`.
 */
export function resolveDataDir(flag: string | undefined, env: Record<string, string | undefined>, cwd: string): string {
  const chosen = flag ?? env.TRIBUTARY_HOME;
  if (chosen)
    return path.resolve(cwd, chosen.startsWith('~/') ? path.join(env.HOME ?? os.homedir(), chosen.slice(2)) : chosen);
  return path.join(env.HOME ?? os.homedir(), '.tributary');
}

/** What every command gets: output, the connectors, and the engine opened on first use. */
export class CliContext {
  readonly out: Output;
  private engineInstance: Promise<Engine> | undefined;

  constructor(
    readonly io: CliIo,
    /** The `--data-dir` flag as parsed (commander's program options, or the quick search's own parse). */
    private readonly dataDirFlag: () => string | undefined,
    /** Replaced once by the program's pre-action hook when connectors load lazily. */
    public connectors: AnyConnector[],
    private readonly factory: EngineFactory,
  ) {
    this.out = new Output(io);
  }

  get dataDir(): string {
    return resolveDataDir(this.dataDirFlag(), this.io.env, this.io.cwd);
  }

  /** Opens the store (creating the data dir and migrating on first use) and the engine, once. */
  engine(): Promise<Engine> {
    if (!this.engineInstance) {
      const dir = this.dataDir;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.engineInstance = this.factory(dir, this.connectors);
    }
    return this.engineInstance;
  }

  /**
   * The engine for a command that only reads (search, runs, status, stats): the one already open, else one opened
   * for reading, which in the embedded mode is the store and the engine facade alone (no driver beyond SQLite, no
   * start-up writes; `recoverDeadRuns`: runs of dead processes are marked aborted first, so a report is true).
   */
  readEngine(options: { recoverDeadRuns?: boolean } = {}): Promise<Engine> {
    if (!this.engineInstance) {
      const dir = this.dataDir;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.engineInstance = this.factory(dir, this.connectors, { readOnly: true, ...options });
    }
    return this.engineInstance;
  }

  /** Closes the engine when it was opened. */
  async close(): Promise<void> {
    if (!this.engineInstance) return;
    const engine = await this.engineInstance.catch(() => undefined);
    this.engineInstance = undefined;
    await engine?.close();
  }

  /** Finds a connector by name. @throws TributaryError `not_found` listing the known connectors */
  connector(name: string): AnyConnector {
    const found = this.connectors.find((c) => c.manifest.name === name);
    if (found) return found;
    throw unknownConnector(name, this.connectors);
  }
}

/** The error for an unknown connector name, listing the known ones. */
export function unknownConnector(name: string, connectors: AnyConnector[]): TributaryError {
  const known = connectors.map((c) => c.manifest.name).sort();
  return new TributaryError(
    'not_found',
    `Unknown connector "${name}". Known connectors: ${known.length > 0 ? known.join(', ') : '(none installed)'}.`,
    {
      details: { known },
    },
  );
}

/** Commands that only read or delete stored data: they start without loading every connector (noticeably faster). */
const STORE_ONLY_COMMANDS = new Set(['init', 'search', 'runs', 'status', 'stats', 'export', 'purge', 'connector']);

/** Whether a command line needs the connectors loaded (everything but the store-only commands). */
export function needsConnectors(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir') {
      i++; // its value
      continue;
    }
    if (arg.startsWith('-')) continue;
    return !STORE_ONLY_COMMANDS.has(arg);
  }
  return true;
}
