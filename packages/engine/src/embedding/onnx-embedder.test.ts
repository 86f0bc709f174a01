import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxEmbedder } from './onnx-embedder.js';
import { l2Normalize } from './pooling.js';
import { writeTinyEmbeddingModel } from './test-support/tiny-onnx.js';

/** The real all-MiniLM-L6-v2 tokenizer files (no weights) from the shared test data, read in place. */
const MINILM = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/testdata/embedding/all-MiniLM-L6-v2',
);
const DIMS = 8;
const VOCAB = 30522;

const tokenizer = new Tokenizer(
  JSON.parse(readFileSync(path.join(MINILM, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(path.join(MINILM, 'tokenizer_config.json'), 'utf8')),
);
const id = (token: string) => tokenizer.token_to_id(token)!;

/** A deterministic table: every row pseudo-random, "automobile" a near copy of "car", special tokens faint. */
function makeTable(): Float32Array {
  const t = new Float32Array(VOCAB * DIMS);
  let seed = 42;
  for (let i = 0; i < t.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    t[i] = (seed / 2 ** 32) * 2 - 1;
  }
  const row = (tok: string) => t.subarray(id(tok) * DIMS, (id(tok) + 1) * DIMS);
  row('automobile').set(row('car').map((x, i) => x + (i === 0 ? 0.05 : 0)));
  for (const special of ['[CLS]', '[SEP]', '[PAD]']) row(special).fill(0.001);
  return t;
}
const table = makeTable();

/** The expected sentence vector, computed here from the tokenizer's ids and the table (mean, then unit length). */
function expected(ids: number[]): number[] {
  const v = new Float32Array(DIMS);
  for (const i of ids) for (let d = 0; d < DIMS; d++) v[d]! += table[i * DIMS + d]!;
  return l2Normalize(v.map((x) => x / ids.length));
}
const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

let dir: string;
beforeAll(() => {
  // A model folder as Transformers.js lays it out: the real tokenizer files beside onnx/model.onnx.
  dir = mkdtempSync(path.join(os.tmpdir(), 'trib-onnx-'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'special_tokens_map.json'])
    symlinkSync(path.join(MINILM, f), path.join(dir, f));
  writeTinyEmbeddingModel({ file: path.join(dir, 'onnx', 'model.onnx'), table, dims: DIMS });
  writeTinyEmbeddingModel({ file: path.join(dir, 'pooled.onnx'), table, dims: DIMS, variant: 'pooled' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createOnnxEmbedder (onnxruntime-node + the model folder tokenizer)', () => {
  it('tokenizes with the real tokenizer, runs the graph, mean-pools over the mask and normalizes', async () => {
    const embedder = createOnnxEmbedder({ modelDir: dir, dimensions: DIMS });
    try {
      const text = 'Hiking weekend in the Alps';
      const [v] = await embedder.embed([text]);
      expect(v).toHaveLength(DIMS);
      const ids = tokenizer.encode(text).ids;
      expect(ids[0]).toBe(id('[CLS]'));
      v!.forEach((x, i) => expect(x).toBeCloseTo(expected(ids)[i]!, 5));
      // A batch pads the shorter texts; padding never changes a text's vector.
      const batch = await embedder.embed(['car', text, 'a much longer sentence about a banana and the weather']);
      const [alone] = await embedder.embed(['car']);
      batch[0]!.forEach((x, i) => expect(x).toBeCloseTo(alone![i]!, 5));
      batch[1]!.forEach((x, i) => expect(x).toBeCloseTo(v![i]!, 5));
      // The table makes "automobile" mean "car"; the pooled vectors say so.
      const [car, auto, banana] = await embedder.embed(['car', 'automobile', 'banana']);
      expect(cos(car!, auto!)).toBeGreaterThan(0.95);
      expect(cos(car!, banana!)).toBeLessThan(0.9);
      // Names the model without the server path; another file is another model.
      expect(embedder.id).toMatch(new RegExp(`^onnx:${path.basename(dir)}/onnx/model\\.onnx@[0-9a-f]{12}$`));
      expect(embedder.id).not.toContain(os.tmpdir());
      expect(createOnnxEmbedder({ modelDir: dir, modelFile: 'pooled.onnx', dimensions: DIMS }).id).not.toBe(
        embedder.id,
      );
    } finally {
      await embedder.close();
    }
  });

  it('truncates a text longer than the model limit to its first tokens and the closing [SEP], never fails', async () => {
    const embedder = createOnnxEmbedder({ modelDir: dir, dimensions: DIMS, maxTokens: 16 });
    try {
      const long = Array.from({ length: 3000 }, (_, i) => ['car', 'banana', 'alps', 'storm'][i % 4]).join(' ');
      const [v] = await embedder.embed([long]);
      const ids = tokenizer.encode(long).ids;
      expect(ids.length).toBeGreaterThan(3000);
      const kept = [...ids.slice(0, 15), ids.at(-1)!];
      v!.forEach((x, i) => expect(x).toBeCloseTo(expected(kept)[i]!, 5));
    } finally {
      await embedder.close();
    }
  });

  it('uses a pooled sentence_embedding output as is, and reads the limit and dimension from the folder', async () => {
    writeFileSync(path.join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 256 }));
    const folderDims = createOnnxEmbedder({ modelDir: dir });
    expect(folderDims.dimensions).toBe(384); // config.json hidden_size of all-MiniLM-L6-v2
    const embedder = createOnnxEmbedder({ modelDir: dir, modelFile: 'pooled.onnx', dimensions: DIMS });
    try {
      const [v] = await embedder.embed(['the storm is coming']);
      const ids = tokenizer.encode('the storm is coming').ids;
      v!.forEach((x, i) => expect(x).toBeCloseTo(expected(ids)[i]!, 5));
      // The folder's real config says 384 dimensions; the tiny model answers 8: a clear error, not bad vectors.
      await expect(folderDims.embed(['car'])).rejects.toMatchObject({
        code: 'invalid_config',
        message: /8 dimensions, but 384/,
      });
    } finally {
      rmSync(path.join(dir, 'sentence_bert_config.json'));
      await embedder.close();
      await folderDims.close();
    }
  });

  it('refuses a folder without a model or tokenizer with invalid_config naming what is missing', () => {
    expect(() => createOnnxEmbedder({ modelDir: MINILM })).toThrow(
      expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining('no ONNX model') }),
    );
    const bare = mkdtempSync(path.join(os.tmpdir(), 'trib-onnx-bare-'));
    try {
      writeTinyEmbeddingModel({ file: path.join(bare, 'model.onnx'), table, dims: DIMS });
      expect(() => createOnnxEmbedder({ modelDir: bare, dimensions: DIMS })).toThrow(/no tokenizer/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
