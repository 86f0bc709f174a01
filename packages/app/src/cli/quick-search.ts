import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliContext } from './context.js';
import { reportFailure } from './errors.js';
import type { CliIo } from './io.js';
import { openReadEngine } from './read-engine.js';
import { SEARCH_OPTIONS, runSearch, type SearchFlags } from './commands/search.js';

// main.ts passes the bundle's own copy (one module graph per process: see scripts/bundle-quick-search.mjs).
export { processIo } from './io.js';

/**
 * `tributary search …` without commander and the program's other modules: the command people and scripts run most,
 * and the one a user times against notmuch and mu (issue 13: a CLI search on a Maildir in ≤ 0.3 s, node's own start
 * being 0.1 s of it). The build bundles this module with the workspace modules it imports
 * (packages/app/scripts/bundle-quick-search.mjs), so a search loads 12 ES modules instead of 68.
 *
 * It answers only what it parses exactly as commander would; anything else (`--help`, an unknown or malformed
 * option, no query, the distributed mode) returns undefined and the full program runs, with commander's messages.
 * The options come from the same table as the command's registration (`SEARCH_OPTIONS`), and
 * quick-search.test.ts checks that both paths print the same for the same arguments.
 */
export async function quickSearch(argv: string[], io: CliIo): Promise<number | undefined> {
  const parsed = parseSearchArgv(argv);
  if (!parsed) return undefined;
  // Distributed mode opens the runtime (PostgreSQL, Redis): the program's path, where its drivers are expected.
  if (io.env.TRIBUTARY_DATABASE_URL || io.env.TRIBUTARY_REDIS_URL) return undefined;
  // The embedded store opened for reading, as the program's factory opens it for `search` (engine-factory.ts).
  const ctx = new CliContext(
    io,
    () => parsed.dataDir,
    [],
    (dir, connectors) => openReadEngine(dir, io.env, connectors, false),
  );
  try {
    await runSearch(ctx, parsed.words, parsed.flags);
    return 0;
  } catch (err) {
    return reportFailure(err, argv, ctx.out, io.stderr); // as the program reports it
  } finally {
    await ctx.close();
  }
}

/** The parsed command line of a plain search, or undefined when commander should handle it. */
export function parseSearchArgv(
  argv: string[],
): { words: string[]; flags: SearchFlags; dataDir: string | undefined } | undefined {
  const options: NonNullable<ParseArgsConfig['options']> = { 'data-dir': { type: 'string' } };
  for (const o of SEARCH_OPTIONS)
    options[o.flag] = { type: o.value ? 'string' : 'boolean', multiple: o.repeatable === true };
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true }));
  } catch {
    return undefined; // commander names the option and the reason
  }
  if (positionals[0] !== 'search' || positionals.length < 2) return undefined;
  // The program's own options before the command are its business (`-V`, `--help`): only --data-dir is parsed here
  // (its value never starts with "-": parseArgs refused that above).
  const commandAt = argv.indexOf('search');
  if (argv.slice(0, commandAt).some((a) => a.startsWith('-') && a !== '--data-dir')) return undefined;
  // Commander's shape: a repeatable option's list even when empty, a default when absent.
  const flags: Record<string, unknown> = {};
  for (const o of SEARCH_OPTIONS) {
    const value = values[o.flag] ?? (o.repeatable ? [] : o.defaultValue);
    if (value !== undefined) flags[o.key] = value;
  }
  return {
    words: positionals.slice(1),
    flags: flags as SearchFlags,
    dataDir: values['data-dir'] as string | undefined,
  };
}
