import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers';
import { TributaryError } from '@tributary/sdk';
import type { InferenceSession } from 'onnxruntime-node';
import type { Embedder } from './embedder.js';
import { readOnnxModelFolder } from './onnx-model-folder.js';
import { l2Normalize, meanPool } from './pooling.js';

export interface OnnxEmbedderOptions {
  /** A folder with the model's ONNX export and `tokenizer.json` (e.g. all-MiniLM-L6-v2). */
  modelDir: string;
  /** The `.onnx` file inside the folder. @default `model.onnx`, else `onnx/model.onnx` */
  modelFile?: string;
  /** The vector length; read from the folder's `config.json` (`hidden_size`) when omitted. */
  dimensions?: number;
  /** Longest input in tokens (longer texts are truncated). @default the folder's limit (see readOnnxModelFolder) */
  maxTokens?: number;
  /** Texts per inference run. @default 16 */
  batchSize?: number;
  /** Threads of one inference run (onnxruntime's intra-op threads). @default 2 */
  threads?: number;
}

/**
 * The embedder's id: the folder's name and the model file, plus a digest of the file's absolute path and size, so a
 * different model file is a different model (re-embedded) while search answers (which name the model) never show a
 * server path to users.
 */
export function onnxModelId(dir: string, modelFile: string): string {
  const digest = createHash('sha256')
    .update(`${modelFile}\0${statSync(modelFile).size}`)
    .digest('hex')
    .slice(0, 12);
  return `onnx:${path.basename(dir)}/${path.relative(dir, modelFile)}@${digest}`;
}

/** Characters kept before tokenizing: a WordPiece/BPE token is rarely longer than this many per token. */
const CHARS_PER_TOKEN_BOUND = 32;

/**
 * A local embedder: the model's own tokenizer (`@huggingface/tokenizers`, from `tokenizer.json`) and its ONNX export
 * run by onnxruntime (CPU), then mean pooling over the attention mask and L2 normalization, as sentence-transformers
 * do. Texts longer than the model's limit are truncated to it (the first `maxTokens - 1` tokens and the closing
 * special token), never refused. The folder is read when the embedder is created (a missing file fails at start-up);
 * the inference session opens on first use.
 * @throws TributaryError `invalid_config` for an unusable folder or a dimension that does not match the model
 */
export function createOnnxEmbedder(options: OnnxEmbedderOptions): Embedder & { close(): Promise<void> } {
  const folder = readOnnxModelFolder(options.modelDir, options.modelFile);
  const dimensions = options.dimensions ?? folder.hiddenSize;
  if (!dimensions)
    throw new TributaryError(
      'invalid_config',
      `The embeddings model folder ${folder.dir} has no config.json with hidden_size: set the embeddings dimensions.`,
      { issues: [{ path: 'embeddings.dimensions', message: 'required for this model folder' }] },
    );
  const maxTokens = Math.max(2, options.maxTokens ?? folder.maxTokens);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 16));
  const padToken = (folder.tokenizerConfig as { pad_token?: unknown }).pad_token;
  let session: Promise<InferenceSession> | undefined;
  // Loaded on first use, like the session: a process that never embeds locally never loads either library.
  let tokenizer: { tok: Tokenizer; padId: number } | undefined;
  const loadTokenizer = async () => {
    if (tokenizer) return tokenizer;
    const { Tokenizer } = await import('@huggingface/tokenizers');
    const tok = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
    tokenizer = { tok, padId: (typeof padToken === 'string' ? tok.token_to_id(padToken) : undefined) ?? 0 };
    return tokenizer;
  };

  const open = (): Promise<InferenceSession> =>
    (session ??= (async () => {
      const ort = await import('onnxruntime-node');
      try {
        return await ort.InferenceSession.create(folder.modelFile, {
          intraOpNumThreads: Math.max(1, options.threads ?? 2),
          interOpNumThreads: 1,
        });
      } catch (err) {
        session = undefined;
        throw new TributaryError(
          'invalid_config',
          `onnxruntime could not load ${folder.modelFile}: ${(err as Error).message}`,
          {
            cause: err,
            issues: [{ path: 'embeddings.modelDir', message: 'model not loadable' }],
          },
        );
      }
    })());

  /** Token ids of one text, at most `maxTokens` long, keeping the closing special token. */
  function encode(tok: Tokenizer, text: string): number[] {
    const ids = tok.encode(text.slice(0, maxTokens * CHARS_PER_TOKEN_BOUND)).ids;
    if (ids.length <= maxTokens) return ids;
    return [...ids.slice(0, maxTokens - 1), ids[ids.length - 1]!];
  }

  async function embedBatch(texts: string[]): Promise<number[][]> {
    const { tok, padId } = await loadTokenizer();
    const s = await open();
    const ort = await import('onnxruntime-node');
    const encoded = texts.map((t) => encode(tok, t));
    const seq = Math.max(...encoded.map((e) => e.length));
    const ids = new BigInt64Array(texts.length * seq).fill(BigInt(padId));
    const mask = new BigInt64Array(texts.length * seq);
    encoded.forEach((e, b) =>
      e.forEach((id, i) => {
        ids[b * seq + i] = BigInt(id);
        mask[b * seq + i] = 1n;
      }),
    );
    const shape = [texts.length, seq];
    const all: Record<string, InstanceType<typeof ort.Tensor>> = {
      input_ids: new ort.Tensor('int64', ids, shape),
      attention_mask: new ort.Tensor('int64', mask, shape),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(texts.length * seq), shape),
    };
    // Exports differ in which of the three inputs they declare (DistilBERT/MPNet have no token_type_ids).
    const feeds = Object.fromEntries(s.inputNames.map((name) => [name, all[name]!]));
    const unknown = s.inputNames.filter((name) => !all[name]);
    if (unknown.length)
      throw new TributaryError(
        'invalid_config',
        `The ONNX model ${folder.modelFile} needs inputs Tributary does not feed: ${unknown.join(', ')}.`,
      );
    const results = await s.run(feeds);
    // A sentence-transformers export may carry its pooled, normalized output; otherwise pool the token embeddings.
    const name = s.outputNames.includes('sentence_embedding') ? 'sentence_embedding' : s.outputNames[0]!;
    const out = results[name]!;
    const data = out.data as Float32Array;
    const hidden = Number(out.dims[out.dims.length - 1]);
    if (hidden !== dimensions)
      throw new TributaryError(
        'invalid_config',
        `The ONNX model ${folder.modelFile} returns vectors of ${hidden} dimensions, but ${dimensions} are configured: set the embeddings dimensions to ${hidden}.`,
        { issues: [{ path: 'embeddings.dimensions', message: `the model returns ${hidden}` }] },
      );
    const pooled =
      out.dims.length === 3
        ? meanPool(data, mask, [texts.length, Number(out.dims[1]), hidden])
        : texts.map((_, b) => data.subarray(b * hidden, (b + 1) * hidden));
    return pooled.map(l2Normalize);
  }

  return {
    id: onnxModelId(folder.dir, folder.modelFile),
    dimensions,
    async embed(texts, signal) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        signal?.throwIfAborted();
        vectors.push(...(await embedBatch(texts.slice(i, i + batchSize))));
      }
      return vectors;
    },
    async close() {
      const s = await session?.catch(() => undefined);
      await s?.release();
      session = undefined;
    },
  };
}
