import { Help, type Command } from 'commander';

/**
 * The program's command list as `tributary --help` prints it: name, usage term, description, in help order. The
 * program's help prints this instead of loading all twenty-odd command modules (and their libraries) to ask them;
 * command-groups.test.ts fails when a command's registration and its line here differ.
 */
export const COMMAND_INDEX: ReadonlyArray<readonly [name: string, term: string, description: string]> = [
  ['init', 'init [options]', 'create the data dir, its database (tributary.db) and a commented tributary.yaml'],
  ['connectors', 'connectors [options] [name]', 'list the installed connectors, or show one'],
  ['sources', 'sources', 'add, list, show, change and remove sources'],
  [
    'sync',
    'sync [options] [name]',
    'sync a source now (or every active one with --all); Ctrl-C stops after the current item, keeping what is committed',
  ],
  ['search', 'search [options] <query...>', 'search everything synced, best matches first'],
  ['reindex', 'reindex [options]', 'recompute derived fields of stored memories without fetching anything again'],
  ['privacy', 'privacy', 'redaction and exclusion rules applied before anything is stored'],
  [
    'embeddings',
    'embeddings',
    'how text is embedded for semantic search (show, set, clear, test; qdrant: where vectors are kept)',
  ],
  ['runs', 'runs [options] [name]', 'sync history, newest first'],
  ['status', 'status [options]', 'every source: status, last sync, how many memories, last error'],
  ['stats', 'stats [options] [name]', 'memories per source and stream, time span, runs by status'],
  ['jobs', 'jobs', 'the job queue: dead jobs (failed for good), retry, discard'],
  ['export', 'export [options] <name>', "write a source's memories as JSON Lines (one memory per line)"],
  [
    'purge',
    'purge [options] [name]',
    'forget everything synced from a source (memories, versions, index, checkpoint; the source stays), or with --match every stored memory that matches',
  ],
  [
    'apply',
    'apply [options]',
    'create, update (and with --prune remove) sources to match a config file; prints the plan first',
  ],
  ['serve', 'serve [options]', 'run the HTTP API (REST under /api/v1, MCP on /mcp) until Ctrl-C'],
  ['mcp', 'mcp', 'serve the memory to an MCP client on stdin/stdout (local user); see docs/mcp.md'],
  ['tokens', 'tokens', 'manage API tokens for the REST API and MCP over HTTP'],
  ['users', 'users', 'manage users and the folders their local sources may read'],
  [
    'worker',
    'worker [options]',
    'consume sync jobs from the queue until SIGTERM (finishes or checkpoints the current batch first)',
  ],
  [
    'scheduler',
    'scheduler [options]',
    'enqueue due syncs (intervals, cron, backoff); in distributed mode one elected leader acts at a time',
  ],
  ['vault', 'vault', 'the encrypted credential store'],
  [
    'up',
    'up [options]',
    'run everything in one process: API + MCP, scheduler, worker, realtime watchers (until Ctrl-C)',
  ],
  [
    'connect',
    'connect [options] <source>',
    "connect a source with OAuth in your browser (a one-time listener on 127.0.0.1 receives the provider's answer)",
  ],
  [
    'disconnect',
    'disconnect [options] <source>',
    'revoke the OAuth grant at the provider (when it can) and delete the stored credential',
  ],
  ['connector', 'connector', 'write connector plugins'],
];

/**
 * Adds every command as a stub that only lists itself (name, usage, description): enough for the program's help,
 * for `help` alone and for commander's "did you mean" on an unknown command. Never used when a command runs.
 */
export function registerCommandIndex(program: Command): void {
  const terms = new Map<string, string>();
  for (const [name, term, description] of COMMAND_INDEX) {
    program.command(name).description(description);
    terms.set(name, term);
  }
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? standard.subcommandTerm(cmd) });
}
