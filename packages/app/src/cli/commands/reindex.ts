import type { Command } from 'commander';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';

/** `tributary reindex --enrichment [--source <name>]`: re-scores importance and domain from stored content. */
export function registerReindex(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('reindex')
    .description('recompute derived fields of stored memories without fetching anything again')
    .option('--enrichment', 'importance and domain (after changing the taxonomy or upgrading)')
    .option('--source <name>', 'only this source')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { enrichment?: boolean; source?: string; json?: boolean }) => {
      if (!opts.enrichment)
        throw new TributaryError('invalid_input', 'Say what to recompute: `tributary reindex --enrichment`.', {
          issues: [{ path: '--enrichment', message: 'required' }],
        });
      const engine = await ctx.engine();
      const result = await engine.reenrich({ sourceId: opts.source });
      if (opts.json) return ctx.out.json(result);
      ctx.out.line(`Re-scored ${result.scanned} memories; ${result.changed} changed importance or domain.`);
    });
}
