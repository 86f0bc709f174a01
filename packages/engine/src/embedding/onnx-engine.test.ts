import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { defineConnector, z } from '@tributary/sdk';
import { createTestEngine } from '../engine/test-support/harness.js';
import { createOnnxEmbedder } from './onnx-embedder.js';
import { writeTinyEmbeddingModel } from './test-support/tiny-onnx.js';

const MINILM = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/testdata/embedding/all-MiniLM-L6-v2',
);
const DIMS = 8;

const notes = defineConnector({
  manifest: {
    name: 'notes',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Notes',
    description: 'three one-word notes',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({ done: z.boolean() }),
    streams: ['notes'],
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read(ctx) {
    if (ctx.checkpoint?.done) return;
    yield {
      items: ['car', 'banana', 'storm'].map((w) => ({ externalId: w, stream: 'notes', content: w })),
      checkpoint: { done: true },
    };
  },
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trib-onnx-engine-'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) symlinkSync(path.join(MINILM, f), path.join(dir, f));
  // Orthogonal rows for the three notes; "automobile" shares the row of "car"; everything else is faint noise.
  const tok = new Tokenizer(
    JSON.parse(readFileSync(path.join(MINILM, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(path.join(MINILM, 'tokenizer_config.json'), 'utf8')),
  );
  const table = new Float32Array(30522 * DIMS).map((_, i) => 0.001 * Math.sin(i));
  const set = (word: string, axis: number) => (table[tok.token_to_id(word)! * DIMS + axis] = 1);
  set('car', 0);
  set('automobile', 0);
  set('banana', 1);
  set('storm', 2);
  writeTinyEmbeddingModel({ file: path.join(dir, 'model.onnx'), table, dims: DIMS });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the engine embeds with the local ONNX model off the write path and finds a note by meaning', async () => {
  const embedder = createOnnxEmbedder({ modelDir: dir, dimensions: DIMS });
  const t = await createTestEngine([notes], { embedder });
  try {
    const source = await t.engine.sources.add({ connector: 'notes', name: 'n' });
    expect(await t.engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 3 });
    await t.engine.embeddings.drain();
    expect(await t.engine.embeddings.coverage()).toMatchObject({ embedded: 3, pending: 0, complete: true });
    const res = await t.engine.search({ text: 'automobile', mode: 'semantic', limit: 3 });
    expect(res.hits[0]?.externalId).toBe('car');
    // No word in common: keyword search finds nothing for the same query.
    expect((await t.engine.search({ text: 'automobile', mode: 'keyword' })).hits).toEqual([]);
  } finally {
    await t.cleanup();
    await embedder.close();
  }
});
