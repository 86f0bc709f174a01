import { Command, CommanderError } from 'commander';
import type { AnyConnector } from '@tributary/sdk';
import { CliContext, type EngineFactory } from './context.js';
import { EXIT, reportFailure } from './errors.js';
import type { CliIo } from './io.js';
import { CLI_VERSION } from './version.js';
import { commandGroups } from './command-groups.js';

export interface RunOptions {
  /**
   * The connectors, or how to load them (given the data dir, whose plugins load too): called only once a command
   * runs (never for --help or --version).
   */
  connectors: AnyConnector[] | ((dataDir: string) => Promise<AnyConnector[]>);
  openEngine: EngineFactory;
  version?: string;
}

/** The exit code a command action leaves for {@link runCli}. */
export interface ExitState {
  code: number;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves with the process exit code. Never calls
 * `process.exit`, so it also runs in-process in tests.
 */
export async function runCli(argv: string[], io: CliIo, options: RunOptions): Promise<number> {
  const program = new Command('tributary');
  const state: ExitState = { code: EXIT.ok };
  const load = options.connectors;
  const ctx = new CliContext(
    io,
    () => program.opts<{ dataDir?: string }>().dataDir,
    Array.isArray(load) ? load : [],
    options.openEngine,
  );
  // Connectors (and their libraries) load when a command is about to run, so --help and --version stay instant.
  if (!Array.isArray(load)) program.hook('preAction', async () => void (ctx.connectors = await load(ctx.dataDir)));
  program
    .description('Sync the streams of your work into one searchable memory.')
    .version(options.version ?? CLI_VERSION, '-V, --version')
    .option('--data-dir <dir>', 'where the database and keys live (default: $TRIBUTARY_HOME, else ~/.tributary)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  // Only the named command's module loads (with its libraries): `search` never loads `sources`, `serve` … The
  // program's help, `help <cmd>` and an unknown command (for its suggestions) load them all.
  for (const register of await commandGroups(argv)) register(program, ctx, state);
  for (const cmd of allCommands(program))
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help/version).
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    return reportFailure(err, argv, ctx.out, io.stderr);
  } finally {
    await ctx.close();
  }
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
