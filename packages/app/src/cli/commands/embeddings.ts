import type { Command } from 'commander';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';
import { registerQdrantSettings } from './embeddings-qdrant.js';

interface SetFlags {
  provider: string;
  url?: string;
  model?: string;
  dimensions?: string;
  modelDir?: string;
  modelFile?: string;
  batchSize?: string;
  maxTokens?: string;
  json?: boolean;
}

/** A whole-number flag, or a clear refusal naming it. */
function whole(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new TributaryError('invalid_input', `--${flag} must be a whole number (got "${value}").`, {
      issues: [{ path: flag, message: 'a whole number' }],
    });
  return Number(value);
}

/**
 * `tributary embeddings show|set|clear|test` (docs/embeddings.md): the saved embeddings settings, used by every
 * process from its next start unless `TRIBUTARY_EMBEDDINGS_*` variables are set; `test` embeds a text with what this
 * process would use.
 */
export function registerEmbeddings(program: Command, ctx: CliContext, _state: ExitState): void {
  const cmd = program
    .command('embeddings')
    .description('how text is embedded for semantic search (show, set, clear, test; qdrant: where vectors are kept)');
  registerQdrantSettings(cmd, ctx);
  // The engine module graph is loaded only by these commands.
  const settings = () => import('@tributary/engine/embedding/settings');

  cmd
    .command('show')
    .description('the saved settings, and what the environment selects (it wins)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { describeEmbeddings, loadEmbeddingsSettings, resolveEmbeddings } = await settings();
      const engine = await ctx.engine();
      const saved = await loadEmbeddingsSettings(engine.ports.kv);
      const active = await resolveEmbeddings(ctx.io.env, engine.ports.kv);
      const view = {
        saved: saved ? describeEmbeddings(saved) : null,
        active: active ? { ...describeEmbeddings(active.config), origin: active.origin } : null,
      };
      if (opts.json) return ctx.out.json(view);
      if (!view.active)
        return ctx.out.line('No embeddings configured: search is keyword only (see docs/embeddings.md).');
      const { origin, ...shown } = view.active;
      ctx.out.line(`Embeddings (${origin === 'environment' ? 'from TRIBUTARY_EMBEDDINGS_*' : 'saved settings'}):`);
      for (const [k, v] of Object.entries(shown)) ctx.out.line(`  ${k}: ${String(v)}`);
      if (origin === 'environment' && saved) ctx.out.note('Saved settings exist but the environment wins.');
    });

  cmd
    .command('set')
    .description('save the embeddings settings (used from the next start of every process)')
    .requiredOption('--provider <provider>', 'ollama, openai (OpenAI-compatible) or onnx (a local model folder)')
    .option('--url <url>', 'server URL (ollama: default http://127.0.0.1:11434)')
    .option('--model <model>', 'model name (ollama, openai)')
    .option('--dimensions <n>', "the model's vector length")
    .option('--model-dir <dir>', 'onnx: the model folder (model.onnx or onnx/model.onnx, tokenizer.json)')
    .option('--model-file <file>', 'onnx: the .onnx file inside the folder')
    .option('--batch-size <n>', 'texts per request or inference run')
    .option('--max-tokens <n>', 'onnx: longest input in tokens (longer ones are truncated)')
    .option('--json', 'print JSON')
    .action(async (opts: SetFlags) => {
      const { describeEmbeddings, saveEmbeddingsSettings } = await settings();
      const path = await import('node:path');
      const raw: Record<string, unknown> = { provider: opts.provider };
      if (opts.url !== undefined) raw.url = opts.url;
      if (opts.model !== undefined) raw.model = opts.model;
      if (opts.dimensions !== undefined) raw.dimensions = whole('dimensions', opts.dimensions);
      if (opts.modelDir !== undefined) raw.modelDir = path.resolve(ctx.io.cwd, opts.modelDir);
      if (opts.modelFile !== undefined) raw.modelFile = opts.modelFile;
      if (opts.batchSize !== undefined) raw.batchSize = whole('batch-size', opts.batchSize);
      if (opts.maxTokens !== undefined) raw.maxTokens = whole('max-tokens', opts.maxTokens);
      const engine = await ctx.engine();
      const saved = await saveEmbeddingsSettings(engine.ports.kv, raw);
      if (opts.json) return ctx.out.json({ saved: saved && describeEmbeddings(saved) });
      ctx.out.line(`Saved: ${opts.provider} ${String(raw.model ?? raw.modelDir)}.`);
      ctx.out.note(
        'Used from the next start of `up`, `serve` and `worker`; `tributary reindex --embeddings` embeds what is stored.',
      );
    });

  cmd
    .command('clear')
    .description('remove the saved settings (keyword search only, unless the environment configures embeddings)')
    .action(async () => {
      const { saveEmbeddingsSettings } = await settings();
      await saveEmbeddingsSettings((await ctx.engine()).ports.kv, null);
      ctx.out.line('Saved embeddings settings cleared.');
    });

  cmd
    .command('test')
    .description('embed a text with the configured embedder (checks the server, model, folder and dimension)')
    .argument('<text...>', 'the text')
    .option('--json', 'print JSON')
    .action(async (words: string[], opts: { json?: boolean }) => {
      const { resolveEmbeddings } = await settings();
      const { createEmbedder } = await import('@tributary/engine/embedding/embedder');
      const resolved = await resolveEmbeddings(ctx.io.env, (await ctx.engine()).ports.kv);
      if (!resolved)
        throw new TributaryError('invalid_config', 'No embeddings configured: see `tributary embeddings set --help`.', {
          issues: [{ path: 'embeddings', message: 'not configured' }],
        });
      const embedder = createEmbedder(resolved.config);
      try {
        const [vector] = await embedder.embed([words.join(' ')]);
        const result = { model: embedder.id, dimensions: vector!.length, head: vector!.slice(0, 4) };
        if (opts.json) return ctx.out.json(result);
        ctx.out.line(
          `${result.model}: ${result.dimensions} dimensions, [${result.head.map((x) => x.toFixed(4)).join(', ')}, …]`,
        );
      } finally {
        await (embedder as { close?: () => Promise<void> }).close?.();
      }
    });
}
