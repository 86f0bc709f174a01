import type { Command } from 'commander';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';

interface ReindexFlags {
  enrichment?: boolean;
  embeddings?: boolean;
  source?: string;
  json?: boolean;
}

/**
 * `tributary reindex --enrichment [--source <name>]`: re-scores importance and domain from stored content.
 * `tributary reindex --embeddings`: embeds from stored text whatever the configured model has no vector for (a new
 * or changed model), with progress; texts it already has are not sent again; another model's vectors are dropped.
 */
export function registerReindex(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('reindex')
    .description('recompute derived fields of stored memories without fetching anything again')
    .option('--enrichment', 'importance and domain (after changing the taxonomy or upgrading)')
    .option('--embeddings', 'vectors of every chunk with the configured embedder (after changing the model)')
    .option('--source <name>', 'only this source (--enrichment)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: ReindexFlags) => {
      if (!opts.enrichment && !opts.embeddings)
        throw new TributaryError(
          'invalid_input',
          'Say what to recompute: `tributary reindex --enrichment` or `tributary reindex --embeddings`.',
          { issues: [{ path: '--enrichment', message: 'or --embeddings: one is required' }] },
        );
      if (opts.embeddings && opts.source)
        throw new TributaryError(
          'invalid_input',
          '--source applies to --enrichment only: vectors are shared by every source with the same text.',
          { issues: [{ path: '--source', message: 'not with --embeddings' }] },
        );
      const engine = await ctx.engine();
      const out: Record<string, unknown> = {};
      if (opts.enrichment) {
        const result = await engine.reenrich({ sourceId: opts.source });
        out.enrichment = result;
        if (!opts.json)
          ctx.out.line(`Re-scored ${result.scanned} memories; ${result.changed} changed importance or domain.`);
      }
      if (opts.embeddings) {
        let last = 0;
        const result = await engine.embeddings.reindex({
          onProgress: (p) => {
            // One line per ~10% (and the last), on stderr: --json keeps stdout clean.
            const total = p.done + p.pending;
            if (p.pending === 0 || p.done - last >= Math.max(1, total / 10)) {
              last = p.done;
              ctx.out.note(`embedding: ${p.done}/${total} chunk texts (${p.embedded} sent to the embedder)`);
            }
          },
        });
        out.embeddings = result;
        if (!opts.json)
          ctx.out.line(
            `Embeddings: ${result.queued} chunk texts checked; ${result.embedded} embedded, ${result.rescoped} already had a vector, ${result.removed} removed.`,
          );
      }
      // One task: its result as it always was; both: keyed by task.
      if (opts.json) ctx.out.json(opts.enrichment && opts.embeddings ? out : (out.enrichment ?? out.embeddings));
    });
}
