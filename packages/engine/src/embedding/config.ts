import { TributaryError } from '@tributary/sdk';
import { z } from 'zod';

/**
 * How a deployment embeds text: the `embeddings` section of the config file, the API's settings body and the
 * `TRIBUTARY_EMBEDDINGS_*` variables all end up as this one schema (docs/embeddings.md).
 */
const Dimensions = z
  .number()
  .int()
  .min(1)
  .max(16_000)
  .describe("The model's vector length (e.g. 384 for all-minilm, 768 for nomic-embed-text).");
const BatchSize = z.number().int().min(1).max(2048).optional().describe('Texts per request or inference run.');

export const OllamaEmbeddingsSchema = z.strictObject({
  provider: z.literal('ollama'),
  url: z.url().default('http://127.0.0.1:11434').describe('The Ollama server.'),
  model: z.string().min(1).describe('A model pulled with `ollama pull` (all-minilm, nomic-embed-text, …).'),
  dimensions: Dimensions,
  batchSize: BatchSize,
});

export const OpenAiEmbeddingsSchema = z.strictObject({
  provider: z.literal('openai'),
  url: z.url().describe('Base URL of an OpenAI-compatible server (https://api.openai.com, LM Studio, vLLM …).'),
  model: z.string().min(1).describe('The embeddings model (text-embedding-3-small, …).'),
  dimensions: Dimensions,
  apiKey: z.string().min(1).optional().meta({ secret: true }).describe('Bearer token, when the server needs one.'),
  batchSize: BatchSize,
});

export const OnnxEmbeddingsSchema = z.strictObject({
  provider: z.literal('onnx'),
  modelDir: z
    .string()
    .min(1)
    .describe("A local folder with the model's ONNX export and tokenizer.json (e.g. all-MiniLM-L6-v2)."),
  modelFile: z
    .string()
    .min(1)
    .optional()
    .describe('The .onnx file inside the folder. @default model.onnx or onnx/model.onnx'),
  dimensions: Dimensions.optional().describe("The model's vector length. @default config.json hidden_size"),
  maxTokens: z
    .number()
    .int()
    .min(2)
    .max(65_536)
    .optional()
    .describe('Longest input in tokens; longer ones are truncated.'),
  batchSize: BatchSize,
  threads: z.number().int().min(1).max(64).optional().describe('Inference threads. @default 2'),
});

export const EmbeddingsConfigSchema = z.discriminatedUnion('provider', [
  OllamaEmbeddingsSchema,
  OpenAiEmbeddingsSchema,
  OnnxEmbeddingsSchema,
]);
export type EmbeddingsConfig = z.infer<typeof EmbeddingsConfigSchema>;
export type EmbeddingsConfigInput = z.input<typeof EmbeddingsConfigSchema>;

/**
 * Parses an embeddings config (file section, API body).
 * @throws TributaryError `invalid_config` with one issue per bad field (paths under `embeddings.`)
 */
export function parseEmbeddingsConfig(input: unknown, prefix = 'embeddings'): EmbeddingsConfig {
  const parsed = EmbeddingsConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  throw new TributaryError(
    'invalid_config',
    `Invalid embeddings settings: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  );
}

const ENV_FIELDS: Record<string, string> = {
  url: 'TRIBUTARY_EMBEDDINGS_URL',
  model: 'TRIBUTARY_EMBEDDINGS_MODEL',
  dimensions: 'TRIBUTARY_EMBEDDINGS_DIMENSIONS',
  apiKey: 'TRIBUTARY_EMBEDDINGS_API_KEY',
  modelDir: 'TRIBUTARY_EMBEDDINGS_MODEL_DIR',
  batchSize: 'TRIBUTARY_EMBEDDINGS_BATCH_SIZE',
};

/**
 * The embeddings config the environment selects, or `undefined` when none is set (vector search off).
 * - `TRIBUTARY_EMBEDDINGS_PROVIDER` — `openai` (default when a URL is set), `ollama` or `onnx`
 * - `TRIBUTARY_EMBEDDINGS_URL`, `…_MODEL`, `…_DIMENSIONS`, `…_API_KEY` — as before for OpenAI-compatible servers;
 *   URL, MODEL and DIMENSIONS for Ollama (URL defaults to http://127.0.0.1:11434)
 * - `TRIBUTARY_EMBEDDINGS_MODEL_DIR` (and optionally `…_DIMENSIONS`) — the ONNX model folder
 * - `TRIBUTARY_EMBEDDINGS_BATCH_SIZE` — texts per request/run
 * @throws TributaryError `invalid_config` naming the variable that is missing or wrong
 */
export function embeddingsConfigFromEnv(env: Record<string, string | undefined>): EmbeddingsConfig | undefined {
  const get = (name: string): string | undefined => env[name]?.trim() || undefined;
  const url = get('TRIBUTARY_EMBEDDINGS_URL');
  const explicit = get('TRIBUTARY_EMBEDDINGS_PROVIDER')?.toLowerCase();
  const provider = explicit ?? (url ? 'openai' : get('TRIBUTARY_EMBEDDINGS_MODEL_DIR') ? 'onnx' : undefined);
  if (!provider) return undefined;
  if (!['openai', 'ollama', 'onnx'].includes(provider))
    throw new TributaryError(
      'invalid_config',
      `TRIBUTARY_EMBEDDINGS_PROVIDER must be openai, ollama or onnx (got "${provider}").`,
      { issues: [{ path: 'TRIBUTARY_EMBEDDINGS_PROVIDER', message: 'openai, ollama or onnx' }] },
    );
  if (provider === 'openai' && !get('TRIBUTARY_EMBEDDINGS_MODEL'))
    throw new TributaryError(
      'invalid_config',
      'TRIBUTARY_EMBEDDINGS_URL is set but TRIBUTARY_EMBEDDINGS_MODEL is not: name the embeddings model (e.g. text-embedding-3-small, nomic-embed-text).',
      { issues: [{ path: 'TRIBUTARY_EMBEDDINGS_MODEL', message: 'required when TRIBUTARY_EMBEDDINGS_URL is set' }] },
    );
  const raw: Record<string, unknown> = { provider };
  const rawDims = get('TRIBUTARY_EMBEDDINGS_DIMENSIONS');
  if (rawDims !== undefined || provider !== 'onnx') {
    const dims = Number(rawDims ?? '');
    if (!/^\d+$/.test(rawDims ?? '') || dims < 1 || dims > 16_000)
      throw new TributaryError(
        'invalid_config',
        `TRIBUTARY_EMBEDDINGS_DIMENSIONS must be the model's vector length, a whole number from 1 to 16000 (got "${rawDims ?? ''}").`,
        { issues: [{ path: 'TRIBUTARY_EMBEDDINGS_DIMENSIONS', message: 'a whole number from 1 to 16000' }] },
      );
    raw.dimensions = dims;
  }
  const batch = get('TRIBUTARY_EMBEDDINGS_BATCH_SIZE');
  if (batch !== undefined) raw.batchSize = Number(batch);
  if (provider !== 'onnx') {
    if (url) raw.url = url;
    raw.model = get('TRIBUTARY_EMBEDDINGS_MODEL');
    if (provider === 'openai' && get('TRIBUTARY_EMBEDDINGS_API_KEY')) raw.apiKey = get('TRIBUTARY_EMBEDDINGS_API_KEY');
  } else raw.modelDir = get('TRIBUTARY_EMBEDDINGS_MODEL_DIR');
  const parsed = EmbeddingsConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? 'provider');
  const variable = ENV_FIELDS[field] ?? 'TRIBUTARY_EMBEDDINGS_PROVIDER';
  // Never echo the API key's value.
  throw new TributaryError('invalid_config', `${variable} is missing or invalid: ${issue.message}.`, {
    issues: [{ path: variable, message: issue.message }],
  });
}
