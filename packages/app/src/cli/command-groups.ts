import type { Command } from 'commander';
import type { CliContext } from './context.js';
import type { ExitState } from './program.js';

/** Adds one command (or a few related ones) to the program. */
export type Registrar = (program: Command, ctx: CliContext, state: ExitState) => void;

interface Group {
  /** The top-level commands the group registers. */
  names: string[];
  load: () => Promise<Registrar>;
}

/**
 * Every command module, in the order the program's help lists them. A module loads only when its command runs
 * (it pulls its own libraries: the config loader, the API server, zod schemas …), which keeps `tributary search`
 * and every `<command> --help` from paying for the other twenty.
 */
const GROUPS: Group[] = [
  { names: ['init'], load: async () => (await import('./commands/init.js')).registerInit },
  { names: ['connectors'], load: async () => (await import('./commands/connectors.js')).registerConnectors },
  { names: ['sources'], load: async () => (await import('./commands/sources.js')).registerSources },
  // Adds subcommands to both `connectors` and `sources`, so it needs both registered before it.
  {
    names: ['connectors', 'sources'],
    load: async () => {
      const [{ registerConnectors }, { registerSources }, { registerRegistryCommands }] = await Promise.all([
        import('./commands/connectors.js'),
        import('./commands/sources.js'),
        import('./commands/connectors-registry.js'),
      ]);
      return (program, ctx, state) => {
        // Registered by the two groups above when every group loads; `tributary connectors …` alone loads this one
        // and `connectors`, so `sources` is added here (and the other way round).
        const has = (name: string) => program.commands.some((c) => c.name() === name);
        if (!has('connectors')) registerConnectors(program, ctx, state);
        if (!has('sources')) registerSources(program, ctx, state);
        registerRegistryCommands(program, ctx, state);
      };
    },
  },
  { names: ['sync'], load: async () => (await import('./commands/sync.js')).registerSync },
  { names: ['search'], load: async () => (await import('./commands/search.js')).registerSearch },
  { names: ['reindex'], load: async () => (await import('./commands/reindex.js')).registerReindex },
  { names: ['privacy'], load: async () => (await import('./commands/privacy.js')).registerPrivacy },
  { names: ['embeddings'], load: async () => (await import('./commands/embeddings.js')).registerEmbeddings },
  { names: ['runs', 'status', 'stats'], load: async () => (await import('./commands/reports.js')).registerReports },
  { names: ['jobs'], load: async () => (await import('./commands/jobs.js')).registerJobs },
  { names: ['export', 'purge'], load: async () => (await import('./commands/export.js')).registerExport },
  { names: ['apply'], load: async () => (await import('./commands/apply.js')).registerApply },
  { names: ['serve'], load: async () => (await import('./commands/serve.js')).registerServe },
  { names: ['mcp'], load: async () => (await import('./commands/mcp.js')).registerMcp },
  { names: ['tokens'], load: async () => (await import('./commands/tokens.js')).registerTokens },
  { names: ['users'], load: async () => (await import('./commands/users.js')).registerUsers },
  { names: ['worker', 'scheduler'], load: async () => (await import('./commands/processes.js')).registerProcesses },
  { names: ['vault'], load: async () => (await import('./commands/vault.js')).registerVault },
  { names: ['up'], load: async () => (await import('./commands/up.js')).registerUp },
  { names: ['connect', 'disconnect'], load: async () => (await import('./commands/connect.js')).registerConnect },
  { names: ['connector'], load: async () => (await import('./commands/connector-new.js')).registerConnectorNew },
];

/** Every top-level command name. */
export const COMMAND_NAMES: readonly string[] = [...new Set(GROUPS.flatMap((g) => g.names))];

/** The first word of the command line that is not an option (nor `--data-dir`'s value). */
export function commandWord(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir') {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** Every registrar, in help order. */
export function allRegistrars(): Promise<Registrar[]> {
  return Promise.all(GROUPS.map((g) => g.load()));
}

/**
 * The registrars a command line needs, in help order: the groups that register its command (or the one `help
 * <command>` names); for no command, `help` alone or an unknown one, the command index (the program's help and
 * commander's suggestions need the names and descriptions only).
 */
export async function commandGroups(argv: string[]): Promise<Registrar[]> {
  let word = commandWord(argv);
  if (word === 'help') word = commandWord(argv.slice(argv.indexOf('help') + 1));
  const named = word === undefined ? [] : GROUPS.filter((g) => g.names.includes(word));
  if (named.length > 0) return Promise.all(named.map((g) => g.load()));
  const { registerCommandIndex } = await import('./command-index.js');
  return [(program) => registerCommandIndex(program)];
}
