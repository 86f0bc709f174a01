import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TributaryError } from '@tributary/sdk';

/** What an ONNX embedder needs from a model folder, read and checked once when it is created. */
export interface OnnxModelFolder {
  dir: string;
  /** The `.onnx` file: `model.onnx`, or `onnx/model.onnx` as Transformers.js folders lay it out. */
  modelFile: string;
  tokenizerJson: object;
  tokenizerConfig: object;
  /** `hidden_size` of `config.json`, when the folder has it. */
  hiddenSize: number | undefined;
  /** The longest input in tokens: `sentence_bert_config.json` `max_seq_length`, else the tokenizer's limit, else 512. */
  maxTokens: number;
}

function readJson(file: string, what: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new TributaryError(
      'invalid_config',
      `The embeddings model folder's ${what} (${file}) is not readable JSON.`,
      {
        cause: err,
        issues: [{ path: 'embeddings.modelDir', message: `${what} unreadable` }],
      },
    );
  }
}

const positive = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 1_000_000 ? v : undefined;

/**
 * Reads a sentence-transformers / Transformers.js model folder (`tokenizer.json`, `tokenizer_config.json`,
 * `config.json`, `model.onnx` or `onnx/model.onnx`).
 * @param modelFile a file inside the folder to use instead (`onnx/model_quantized.onnx`)
 * @throws TributaryError `invalid_config` naming the missing file
 */
export function readOnnxModelFolder(dir: string, modelFile?: string): OnnxModelFolder {
  const abs = path.resolve(dir);
  const missing = (what: string, tried: string[]): TributaryError =>
    new TributaryError(
      'invalid_config',
      `The embeddings model folder ${abs} has no ${what} (looked for ${tried.join(', ')}). Point it at a folder with the model's ONNX export and tokenizer.json, e.g. all-MiniLM-L6-v2 (docs/embeddings.md).`,
      { issues: [{ path: 'embeddings.modelDir', message: `no ${what}` }] },
    );
  const candidates = modelFile ? [modelFile] : ['model.onnx', 'onnx/model.onnx'];
  const found = candidates.map((c) => path.resolve(abs, c)).find((f) => existsSync(f));
  if (!found) throw missing('ONNX model', candidates);
  const tokenizerPath = path.join(abs, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw missing('tokenizer', ['tokenizer.json']);
  const tokenizerJson = readJson(tokenizerPath, 'tokenizer.json');
  const tcPath = path.join(abs, 'tokenizer_config.json');
  const tokenizerConfig = existsSync(tcPath) ? readJson(tcPath, 'tokenizer_config.json') : {};
  const cPath = path.join(abs, 'config.json');
  const config = existsSync(cPath) ? readJson(cPath, 'config.json') : {};
  const sbPath = path.join(abs, 'sentence_bert_config.json');
  const sbert = existsSync(sbPath) ? readJson(sbPath, 'sentence_bert_config.json') : {};
  const maxTokens =
    positive(sbert.max_seq_length) ??
    positive(tokenizerConfig.model_max_length) ??
    positive(config.max_position_embeddings) ??
    512;
  return {
    dir: abs,
    modelFile: found,
    tokenizerJson,
    tokenizerConfig,
    hiddenSize: positive(config.hidden_size),
    maxTokens,
  };
}
