import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { Command } from 'commander';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';
import { confirmDestructive } from '../source-view.js';

/** `tributary export <name>` and `tributary purge <name>`. */
export function registerExport(program: Command, ctx: CliContext, state: ExitState): void {
  program
    .command('export')
    .argument('<name>', 'source name or id')
    .description("write a source's memories as JSON Lines (one memory per line)")
    .option('--format <format>', 'output format (jsonl)', 'jsonl')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--include-deleted', 'also export tombstones of items deleted upstream')
    .action(async (name: string, opts: { format: string; output?: string; includeDeleted?: boolean }) => {
      if (opts.format !== 'jsonl')
        throw new TributaryError('invalid_input', `--format "${opts.format}": only jsonl is supported`);
      const engine = await ctx.engine();
      const source = await engine.sources.get(name, LOCAL_USER_ID);
      const file =
        opts.output === undefined
          ? undefined
          : createWriteStream(path.resolve(ctx.io.cwd, opts.output), { mode: 0o600 });
      let count = 0;
      try {
        for await (const memory of engine.ports.memories.exportMemories(source.id, {
          includeDeleted: opts.includeDeleted === true,
        })) {
          const line = `${JSON.stringify({ ...memory, sourceName: source.name, connector: source.sourceType })}\n`;
          if (file) {
            if (!file.write(line)) await once(file, 'drain');
          } else ctx.io.stdout.write(line);
          count++;
        }
      } finally {
        if (file) {
          file.end();
          await once(file, 'close');
        }
      }
      if (file) ctx.out.note(`Exported ${count} memories of ${source.name} to ${opts.output}.`);
    });

  program
    .command('purge')
    .argument('[name]', 'source name or id')
    .description(
      'forget everything synced from a source (memories, versions, index, checkpoint; the source stays), or with --match every stored memory that matches',
    )
    .option('--match <regex>', 'erase stored memories whose text, title, author, container or metadata match')
    .option('--flags <flags>', 'regex flags for --match: i, m, s, u')
    .option('--dry-run', 'with --match: count the matches, erase nothing')
    .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (name: string | undefined, opts: PurgeFlags) => {
      const engine = await ctx.engine();
      if (opts.match !== undefined) return purgeMatches(ctx, state, name, opts);
      if (!name)
        throw new TributaryError('invalid_input', 'Name the source to purge, or give --match <regex>.', {
          issues: [{ path: 'name', message: 'required without --match' }],
        });
      const source = await engine.sources.get(name, LOCAL_USER_ID);
      if (!(await confirmDestructive(ctx, opts.yes, `Forget everything synced from "${source.name}"?`))) {
        ctx.out.note('Cancelled; nothing was purged.');
        state.code = 1;
        return;
      }
      const purged = await engine.purge(source.id);
      if (opts.json) return ctx.out.json({ source: source.name, sourceId: source.id, purged });
      ctx.out.line(`Purged ${purged} memories of ${source.name}. A later sync reads everything again.`);
    });
}

interface PurgeFlags {
  match?: string;
  flags?: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** `purge --match`: tombstones matching memories and removes their content, versions and index rows. */
async function purgeMatches(ctx: CliContext, state: ExitState, name: string | undefined, opts: PurgeFlags) {
  if (name)
    throw new TributaryError('invalid_input', '--match purges across all your sources; drop the source name.', {
      issues: [{ path: 'name', message: 'not with --match' }],
    });
  const engine = await ctx.engine();
  const pattern = opts.match!;
  const counted = await engine.privacy.purgeMatching(LOCAL_USER_ID, pattern, { flags: opts.flags, dryRun: true });
  if (opts.dryRun || counted.matched === 0) {
    if (opts.json) return ctx.out.json(counted);
    ctx.out.line(`${counted.matched} of ${counted.scanned} stored memories match /${pattern}/.`);
    return;
  }
  if (!(await confirmDestructive(ctx, opts.yes, `Erase ${counted.matched} memories matching /${pattern}/?`))) {
    ctx.out.note('Cancelled; nothing was purged.');
    state.code = 1;
    return;
  }
  const result = await engine.privacy.purgeMatching(LOCAL_USER_ID, pattern, { flags: opts.flags });
  if (opts.json) return ctx.out.json(result);
  ctx.out.line(`Erased ${result.purged} memories matching /${pattern}/ (content, versions and index gone).`);
}
