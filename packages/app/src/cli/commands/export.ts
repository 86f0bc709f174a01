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
        for await (const memory of engine.store.exportMemories(source.id, {
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
    .argument('<name>', 'source name or id')
    .description('forget everything synced from a source (memories, versions, index, checkpoint); the source stays')
    .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: { yes?: boolean; json?: boolean }) => {
      const engine = await ctx.engine();
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
