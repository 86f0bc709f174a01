import { startTwinServer, type TwinRequest, type TwinResponse, type TwinServer } from '../kit/index.js';
import { ollamaTwinVector } from './lexicon.js';

/**
 * A twin of Ollama's HTTP API (https://github.com/ollama/ollama/blob/main/docs/api.md) for embeddings: `POST
 * /api/embed` (batched input, `truncate`, `dimensions`), the OpenAI-compatible `POST /v1/embeddings` Ollama also
 * serves, `GET /api/tags`, `POST /api/show` (embedding and context length) and `GET /api/version`. Errors are
 * Ollama's `{ "error": "…" }`: 404 for a model that was not pulled, 400 for an over-long input with
 * `truncate: false`; `busy()` and `rateLimit()` arm the 503 an overloaded server (OLLAMA_MAX_QUEUE) and the 429 a
 * proxy in front of it answer. Test code only.
 */
export interface OllamaTwinOptions {
  /** Models that are "pulled". @default ['all-minilm', 'nomic-embed-text'] */
  models?: string[];
  /** Vector length of every model. @default 16 */
  dimensions?: number;
  /** Context length in tokens (the twin counts words as tokens). @default 512 */
  contextLength?: number;
  /** Delay before each answer (benchmarks). @default 0 */
  latencyMs?: number;
  /** Keep every exchange for schema checks. Off for benchmarks. @default true */
  record?: boolean;
}

export interface OllamaEmbedRequest {
  model: string;
  input: string[];
  truncate: boolean | undefined;
  dimensions: number | undefined;
}

export interface OllamaTwin extends TwinServer {
  /** Every embedding request (native and OpenAI-compatible), in order. */
  requests: OllamaEmbedRequest[];
  /** Texts embedded so far (sum of inputs of answered requests). */
  embedded(): number;
  models: Set<string>;
  dimensions: number;
  /** The next `times` embedding requests get 503 "server busy" (Ollama's answer when its queue is full). */
  busy(times?: number): void;
  /** The next `times` embedding requests get 429 with `Retry-After: seconds` (a rate-limiting proxy). */
  rateLimit(times?: number, retryAfterSeconds?: number): void;
}

const err = (status: number, error: string): TwinResponse => ({ status, body: { error } });

/** Splits on whitespace, as the twin's stand-in for a tokenizer. */
const tokens = (text: string): string[] => text.split(/\s+/).filter(Boolean);

export async function startOllamaTwin(options: OllamaTwinOptions = {}): Promise<OllamaTwin> {
  const contextLength = options.contextLength ?? 512;
  let answered = 0;
  const requests: OllamaEmbedRequest[] = [];

  /** Parses an embed body the way Ollama does; an error answer, or the texts to embed (already truncated). */
  function embedInput(req: TwinRequest, openai: boolean): { reply: TwinResponse } | { model: string; texts: string[] } {
    const err = (status: number, error: string) => ({ reply: { status, body: { error } } });
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return err(400, 'invalid request body');
    const { model, input, truncate, dimensions } = body;
    if (typeof model !== 'string' || !model) return err(400, 'model is required');
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string'))
      return err(400, 'invalid input type: input must be a string or an array of strings');
    if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1))
      return err(400, 'dimensions must be a positive integer');
    requests.push({
      model,
      input: texts as string[],
      truncate: typeof truncate === 'boolean' ? truncate : undefined,
      dimensions: dimensions as number | undefined,
    });
    if (!twin.models.has(model) && !twin.models.has(`${model}:latest`))
      return openai
        ? {
            reply: {
              status: 404,
              body: { error: { message: `model "${model}" not found, try pulling it first`, type: 'api_error' } },
            },
          }
        : err(404, `model "${model}" not found, try pulling it first`);
    const out: string[] = [];
    for (const text of texts as string[]) {
      const words = tokens(text);
      if (words.length > contextLength) {
        if (truncate === false) return err(400, 'the input length exceeds the context length');
        out.push(words.slice(0, contextLength).join(' '));
      } else out.push(text);
    }
    return { model, texts: out };
  }

  function vectorOf(text: string, dimensions: number | undefined): number[] {
    const full = ollamaTwinVector(text, twin.dimensions);
    if (!dimensions || dimensions >= full.length) return full;
    // Like Ollama for Matryoshka models: keep the first `dimensions` values, renormalized.
    const cut = full.slice(0, dimensions);
    const norm = Math.hypot(...cut) || 1;
    return cut.map((x) => x / norm);
  }

  const server = await startTwinServer({
    latencyMs: options.latencyMs,
    record: options.record,
    routes: [
      {
        method: 'POST',
        pattern: '/api/embed',
        name: 'embed',
        handler: (req) => {
          const parsed = embedInput(req, false);
          if ('reply' in parsed) return parsed.reply;
          const dims = (req.json as { dimensions?: number }).dimensions;
          answered += parsed.texts.length;
          return {
            body: {
              model: parsed.model,
              embeddings: parsed.texts.map((t) => vectorOf(t, dims)),
              total_duration: 1_000_000 * parsed.texts.length,
              load_duration: 1000,
              prompt_eval_count: parsed.texts.reduce((n, t) => n + tokens(t).length, 0),
            },
          };
        },
      },
      {
        method: 'POST',
        pattern: '/v1/embeddings',
        name: 'openai.embeddings',
        handler: (req) => {
          const parsed = embedInput(req, true);
          if ('reply' in parsed) return parsed.reply;
          answered += parsed.texts.length;
          const count = parsed.texts.reduce((n, t) => n + tokens(t).length, 0);
          return {
            body: {
              object: 'list',
              data: parsed.texts.map((t, index) => ({ object: 'embedding', index, embedding: vectorOf(t, undefined) })),
              model: parsed.model,
              usage: { prompt_tokens: count, total_tokens: count },
            },
          };
        },
      },
      {
        method: 'GET',
        pattern: '/api/tags',
        name: 'tags',
        handler: () => ({
          body: {
            models: [...twin.models].map((name) => ({
              name: name.includes(':') ? name : `${name}:latest`,
              model: name.includes(':') ? name : `${name}:latest`,
              modified_at: '2026-01-01T00:00:00Z',
              size: 45_960_996,
              digest: '1b226e2802dbb772b5fc32a58f103ca1804ef7501331012de126ab22f67475ef',
              details: {
                format: 'gguf',
                family: 'bert',
                families: ['bert'],
                parameter_size: '23M',
                quantization_level: 'F16',
              },
            })),
          },
        }),
      },
      {
        method: 'POST',
        pattern: '/api/show',
        name: 'show',
        handler: (req) => {
          const model = (req.json as { model?: unknown } | undefined)?.model;
          if (typeof model !== 'string' || !model) return err(400, 'model is required');
          if (!twin.models.has(model) && !twin.models.has(`${model}:latest`))
            return err(404, `model '${model}' not found`);
          return {
            body: {
              license: 'Apache License 2.0',
              modified_at: '2026-01-01T00:00:00Z',
              details: { format: 'gguf', family: 'bert' },
              capabilities: ['embedding'],
              model_info: {
                'general.architecture': 'bert',
                'bert.embedding_length': twin.dimensions,
                'bert.context_length': contextLength,
              },
            },
          };
        },
      },
      { method: 'GET', pattern: '/api/version', name: 'version', handler: () => ({ body: { version: '0.12.6' } }) },
    ],
  });

  const embedRoutes = /^(embed|openai\.embeddings)$/;
  const twin: OllamaTwin = Object.assign(server, {
    requests,
    embedded: () => answered,
    models: new Set(options.models ?? ['all-minilm', 'nomic-embed-text']),
    dimensions: options.dimensions ?? 16,
    busy(times = 1) {
      server.faults.inject({
        route: embedRoutes,
        status: 503,
        times,
        body: { error: 'server busy, please try again.  maximum pending requests exceeded' },
      });
    },
    rateLimit(times = 1, retryAfterSeconds = 1) {
      server.faults.inject({
        route: embedRoutes,
        status: 429,
        times,
        headers: { 'retry-after': String(retryAfterSeconds) },
        body: { error: 'too many requests' },
      });
    },
  });
  return twin;
}
