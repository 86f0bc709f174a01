import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ollamaTwinVector, startOllamaTwin, type OllamaTwin } from '../../../../../test/twins/ollama/index.js';
import { testdataPath } from '../../../../../test/twins/kit/index.js';
import { writeTinyEmbeddingModel } from '../../../../engine/src/embedding/test-support/tiny-onnx.js';
import { harness } from '../test-support/harness.js';
import { createMemoConnector } from '../test-support/memo-connector.js';

let dir: string;
let twin: OllamaTwin;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-emb-cli-'));
  twin = await startOllamaTwin();
});
afterAll(async () => {
  await twin.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tributary embeddings', () => {
  it('set → show → test through Ollama; env variables win; clear', async () => {
    const h = harness([createMemoConnector()], path.join(dir, 'a'), dir);
    expect((await h.run('embeddings', 'show')).stdout).toContain('No embeddings configured');
    const set = await h.run(
      'embeddings',
      'set',
      '--provider',
      'ollama',
      '--url',
      twin.url,
      '--model',
      'all-minilm',
      '--dimensions',
      '16',
    );
    expect(set.code).toBe(0);
    expect((await h.run('embeddings', 'show', '--json')).json()).toEqual({
      saved: { provider: 'ollama', url: twin.url, model: 'all-minilm', dimensions: 16 },
      active: { provider: 'ollama', url: twin.url, model: 'all-minilm', dimensions: 16, origin: 'settings' },
    });
    const test = await h.run('embeddings', 'test', 'a', 'car', '--json');
    expect(test.code).toBe(0);
    expect(test.json()).toEqual({
      model: `ollama:all-minilm@${twin.url}`,
      dimensions: 16,
      head: ollamaTwinVector('a car').slice(0, 4),
    });
    // The environment wins over saved settings.
    const env = harness([createMemoConnector()], path.join(dir, 'a'), dir, {
      TRIBUTARY_EMBEDDINGS_PROVIDER: 'ollama',
      TRIBUTARY_EMBEDDINGS_URL: twin.url,
      TRIBUTARY_EMBEDDINGS_MODEL: 'nomic-embed-text',
      TRIBUTARY_EMBEDDINGS_DIMENSIONS: '16',
    });
    expect((await env.run('embeddings', 'show', '--json')).json().active).toMatchObject({
      model: 'nomic-embed-text',
      origin: 'environment',
    });
    expect((await h.run('embeddings', 'clear')).code).toBe(0);
    expect((await h.run('embeddings', 'show', '--json')).json()).toEqual({ saved: null, active: null });
  });

  it('a local ONNX model folder: set with --model-dir and test runs onnxruntime with the real tokenizer', async () => {
    const model = path.join(dir, 'minilm');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(model);
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'config.json'])
      symlinkSync(testdataPath('embedding', 'all-MiniLM-L6-v2', f), path.join(model, f));
    const table = new Float32Array(30522 * 8).map((_, i) => Math.sin(i));
    writeTinyEmbeddingModel({ file: path.join(model, 'onnx', 'model.onnx'), table, dims: 8 });
    const h = harness([createMemoConnector()], path.join(dir, 'b'), dir);
    expect(
      (await h.run('embeddings', 'set', '--provider', 'onnx', '--model-dir', 'minilm', '--dimensions', '8')).code,
    ).toBe(0);
    const test = await h.run('embeddings', 'test', 'hiking', 'in', 'the', 'alps', '--json');
    expect(test.code).toBe(0);
    expect(test.json()).toMatchObject({
      model: expect.stringMatching(/^onnx:minilm\/onnx\/model\.onnx@/),
      dimensions: 8,
    });
    expect(Math.hypot(...(test.json().head as number[]))).toBeLessThanOrEqual(1);
  });

  it('refuses bad flags naming them, changing nothing', async () => {
    const h = harness([createMemoConnector()], path.join(dir, 'c'), dir);
    const notNumber = await h.run('embeddings', 'set', '--provider', 'ollama', '--model', 'm', '--dimensions', 'big');
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toContain('--dimensions');
    const provider = await h.run('embeddings', 'set', '--provider', 'bert', '--model', 'm', '--dimensions', '3');
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain('embeddings.provider');
    const noFolder = await h.run('embeddings', 'set', '--provider', 'onnx');
    expect(noFolder.stderr).toContain('embeddings.modelDir');
    expect((await h.run('embeddings', 'show', '--json')).json()).toEqual({ saved: null, active: null });
    const untested = await h.run('embeddings', 'test', 'car');
    expect(untested.code).not.toBe(0);
    expect(untested.stderr).toContain('No embeddings configured');
  });
});
