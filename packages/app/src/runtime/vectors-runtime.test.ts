import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineConnector, z } from '@tributary/sdk';
import { saveEmbeddingsSettings } from '@tributary/engine';
import { startOllamaTwin, type OllamaTwin } from '../../../../test/twins/ollama/index.js';
import { qdrantSpecProblems, startQdrantTwin, type QdrantTwin } from '../../../../test/twins/qdrant/index.js';
import { openRuntime, type Runtime } from './open-runtime.js';

const notes = defineConnector({
  manifest: {
    name: 'notes',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Notes',
    description: 'two fixed notes',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({ done: z.boolean() }),
    streams: ['notes'],
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read(ctx) {
    if (ctx.checkpoint?.done) return;
    yield {
      items: [
        { externalId: 'car', stream: 'notes', content: 'Took the car to the garage' },
        { externalId: 'trip', stream: 'notes', content: 'Hiking weekend in the Alps' },
      ],
      checkpoint: { done: true },
    };
  },
});

let dir: string;
let ollama: OllamaTwin;
let qdrant: QdrantTwin;
let runtime: Runtime | undefined;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trib-vec-rt-'));
  ollama = await startOllamaTwin();
  qdrant = await startQdrantTwin({ apiKey: 'qk' });
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await ollama.close();
  await qdrant.close();
  rmSync(dir, { recursive: true, force: true });
});

async function syncAndSearch(rt: Runtime, text: string) {
  const source = await rt.engine.sources.add({ connector: 'notes', name: 'n' });
  await rt.engine.sync(source.id);
  await rt.engine.embeddings.drain();
  return (await rt.engine.search({ text, mode: 'semantic', limit: 1 })).hits.map((h) => h.externalId);
}

describe('runtime: embedder and vector backend from the environment or saved settings', () => {
  it('TRIBUTARY_EMBEDDINGS_PROVIDER=ollama with TRIBUTARY_QDRANT_URL: vectors in Qdrant, search by meaning', async () => {
    runtime = await openRuntime({
      dataDir: dir,
      connectors: [notes],
      syncIn: 'inline',
      env: {
        TRIBUTARY_EMBEDDINGS_PROVIDER: 'ollama',
        TRIBUTARY_EMBEDDINGS_URL: ollama.url,
        TRIBUTARY_EMBEDDINGS_MODEL: 'all-minilm',
        TRIBUTARY_EMBEDDINGS_DIMENSIONS: '16',
        TRIBUTARY_QDRANT_URL: qdrant.url,
        TRIBUTARY_QDRANT_API_KEY: 'qk',
        TRIBUTARY_QDRANT_COLLECTION_PREFIX: 'rt',
      },
    });
    expect(runtime.store.vectorSupport().reason).toContain('qdrant');
    expect(await syncAndSearch(runtime, 'automobile')).toEqual(['car']);
    expect(
      await runtime.engine.search({ text: 'the note about our trip to the mountains', mode: 'semantic', limit: 1 }),
    ).toMatchObject({ hits: [{ externalId: 'trip' }] });
    expect([...qdrant.state.collections.keys()].every((c) => c.startsWith('rt_'))).toBe(true);
    expect([...qdrant.state.collections.values()].some((c) => c.size === 16 && c.points.size === 2)).toBe(true);
    expect(qdrantSpecProblems(qdrant.exchanges)).toEqual([]);
  });

  it('saved settings (config file / API) apply on the next start when the environment sets none', async () => {
    runtime = await openRuntime({ dataDir: dir, connectors: [notes], syncIn: 'inline', env: {} });
    expect(await runtime.engine.embeddings.coverage()).toBeNull();
    await expect(
      saveEmbeddingsSettings(runtime.store, {
        provider: 'openai',
        url: ollama.url,
        model: 'm',
        dimensions: 16,
        apiKey: 'sk-x',
      }),
    ).rejects.toMatchObject({ code: 'invalid_config', issues: [{ path: 'embeddings.apiKey' }] });
    await saveEmbeddingsSettings(runtime.store, {
      provider: 'ollama',
      url: ollama.url,
      model: 'nomic-embed-text',
      dimensions: 16,
    });
    await runtime.close();
    runtime = await openRuntime({ dataDir: dir, connectors: [notes], syncIn: 'inline', env: {} });
    expect(await syncAndSearch(runtime, 'vehicle')).toEqual(['car']);
    expect(ollama.requests.every((r) => r.model === 'nomic-embed-text')).toBe(true);
    expect(ollama.requests.length).toBeGreaterThan(0);
  });

  it('a bad TRIBUTARY_QDRANT_URL (not http, or with credentials) is refused at start-up naming the variable', async () => {
    await expect(
      openRuntime({ dataDir: dir, connectors: [notes], syncIn: 'inline', env: { TRIBUTARY_QDRANT_URL: 'ftp://x' } }),
    ).rejects.toMatchObject({ code: 'invalid_config', issues: [{ path: 'TRIBUTARY_QDRANT_URL' }] });
    const err: unknown = await openRuntime({
      dataDir: dir,
      connectors: [notes],
      syncIn: 'inline',
      env: { TRIBUTARY_QDRANT_URL: 'http://admin:s3cret-pass@127.0.0.1:6333' },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_config', issues: [{ path: 'TRIBUTARY_QDRANT_URL' }] });
    expect((err as Error).message).not.toContain('s3cret-pass');
  });
});
