import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddingsSettings } from '@tributary/engine';
import { startOllamaTwin, type OllamaTwin } from '../../../../test/twins/ollama/index.js';
import { createHttpEmbedder } from '@tributary/engine';
import { createClient, startTestServer, type Client, type TestServer } from './test-support/server.js';

let server: TestServer;
let admin: Client;
let alice: Client;
let twin: OllamaTwin;
beforeAll(async () => {
  twin = await startOllamaTwin();
  // The server embeds through the twin's OpenAI-compatible route, so `active` has something to show.
  server = await startTestServer({
    engine: { embedder: createHttpEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16 }) },
  });
  admin = createClient(server.url, server.adminToken);
  await admin('POST', '/users', { body: { id: 'alice', name: 'Alice' } });
  const token = (await admin('POST', '/users/{id}/tokens', { params: { id: 'alice' }, body: {} })).body.token as string;
  alice = createClient(server.url, token);
});
afterAll(async () => {
  await server.close();
  await twin.close();
});

describe('/settings/embeddings', () => {
  it('admins read and save the settings; the active model is shown; never an API key', async () => {
    const before = await admin('GET', '/settings/embeddings');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ saved: null, active: { model: `all-minilm@${twin.url}`, dimensions: 16 } });
    const saved = await admin('PUT', '/settings/embeddings', {
      body: { provider: 'ollama', url: twin.url, model: 'nomic-embed-text', dimensions: 16 },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.saved).toEqual({ provider: 'ollama', url: twin.url, model: 'nomic-embed-text', dimensions: 16 });
    expect(await loadEmbeddingsSettings(server.engine.store)).toMatchObject({ model: 'nomic-embed-text' });
    const cleared = await admin('PUT', '/settings/embeddings', { body: null });
    expect(cleared.body.saved).toBeNull();
    expect(await loadEmbeddingsSettings(server.engine.store)).toBeUndefined();
  });

  it('bad bodies are 400 naming the field, an API key is refused and not echoed; nothing changes', async () => {
    for (const body of [
      { provider: 'ollama', model: 'm', dimensions: 0 },
      { provider: 'bert', model: 'm', dimensions: 3 },
      { provider: 'onnx', modelDir: '' },
      { provider: 'ollama', model: 'm', dimensions: 3, extra: true },
    ]) {
      const res = await admin('PUT', '/settings/embeddings', { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBeDefined();
    }
    const keyed = await admin('PUT', '/settings/embeddings', {
      body: {
        provider: 'openai',
        url: 'https://api.openai.com',
        model: 'text-embedding-3-small',
        dimensions: 1536,
        apiKey: 'sk-leak-me',
      },
    });
    expect(keyed.status).toBe(400);
    expect(keyed.body.error.message).toContain('TRIBUTARY_EMBEDDINGS_API_KEY');
    expect(JSON.stringify(keyed.body)).not.toContain('sk-leak-me');
    expect(await loadEmbeddingsSettings(server.engine.store)).toBeUndefined();
  });

  it('is for admins only: a user token gets 403 and changes nothing', async () => {
    expect((await alice('GET', '/settings/embeddings')).status).toBe(403);
    const put = await alice('PUT', '/settings/embeddings', { body: { provider: 'ollama', model: 'x', dimensions: 3 } });
    expect(put.status).toBe(403);
    // Checked before the body: a bad body from a non-admin is 403 too, so it learns nothing about the schema.
    expect((await alice('PUT', '/settings/embeddings', { body: { provider: 'nope' } })).status).toBe(403);
    expect((await alice('PUT', '/settings/embeddings', { body: null })).status).toBe(403);
    expect(await loadEmbeddingsSettings(server.engine.store)).toBeUndefined();
  });
});
