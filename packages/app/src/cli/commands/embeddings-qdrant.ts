import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/**
 * `tributary embeddings qdrant show|set|clear` (docs/embeddings.md): Qdrant as the vector backend, saved beside the
 * embeddings settings and used from the next start of every process; `TRIBUTARY_QDRANT_URL` wins, and the API key
 * stays in `TRIBUTARY_QDRANT_API_KEY` (never saved).
 */
export function registerQdrantSettings(embeddings: Command, ctx: CliContext): void {
  const settings = () => import('../../runtime/qdrant-settings.js');
  const cmd = embeddings.command('qdrant').description('where vectors are kept: Qdrant instead of the store');

  cmd
    .command('show')
    .description('the saved Qdrant settings, and what the environment selects (it wins)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { loadQdrantSettings, resolveQdrant } = await settings();
      const engine = await ctx.engine();
      const saved = (await loadQdrantSettings(engine.ports.kv)) ?? null;
      const active = await resolveQdrant(ctx.io.env, engine.ports.kv);
      const view = {
        saved,
        active: active
          ? {
              url: active.url,
              collectionPrefix: active.prefix ?? 'tributary',
              apiKey: active.apiKey ? 'set (TRIBUTARY_QDRANT_API_KEY)' : 'none',
              origin: ctx.io.env.TRIBUTARY_QDRANT_URL?.trim() ? 'environment' : 'settings',
            }
          : null,
      };
      if (opts.json) return ctx.out.json(view);
      if (!view.active)
        return ctx.out.line('No Qdrant configured: vectors stay in the store (sqlite-vec or pgvector).');
      const { origin, ...shown } = view.active;
      ctx.out.line(`Qdrant (${origin === 'environment' ? 'from TRIBUTARY_QDRANT_*' : 'saved settings'}):`);
      for (const [k, v] of Object.entries(shown)) ctx.out.line(`  ${k}: ${v}`);
      if (origin === 'environment' && saved) ctx.out.note('Saved settings exist but the environment wins.');
    });

  cmd
    .command('set')
    .description('save the Qdrant settings (used from the next start of every process)')
    .requiredOption(
      '--url <url>',
      "Qdrant's REST endpoint, e.g. http://qdrant:6333 (the API key: TRIBUTARY_QDRANT_API_KEY)",
    )
    .option('--collection-prefix <prefix>', "names this deployment's collections (default tributary)")
    .option('--json', 'print JSON')
    .action(async (opts: { url: string; collectionPrefix?: string; json?: boolean }) => {
      const { saveQdrantSettings } = await settings();
      const raw = {
        url: opts.url,
        ...(opts.collectionPrefix !== undefined ? { collectionPrefix: opts.collectionPrefix } : {}),
      };
      const saved = await saveQdrantSettings((await ctx.engine()).ports.kv, raw);
      if (opts.json) return ctx.out.json({ saved });
      ctx.out.line(`Saved: Qdrant at ${saved!.url}.`);
      ctx.out.note(
        'Used from the next start of `up`, `serve` and `worker`; `tributary reindex --embeddings` fills it.',
      );
    });

  cmd
    .command('clear')
    .description('remove the saved Qdrant settings (vectors stay in the store unless the environment names Qdrant)')
    .action(async () => {
      const { saveQdrantSettings } = await settings();
      await saveQdrantSettings((await ctx.engine()).ports.kv, null);
      ctx.out.line('Saved Qdrant settings cleared.');
    });
}
