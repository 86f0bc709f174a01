import '../mcp/test-support/plain-conditions.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createOllamaEmbedder } from '@tributary/engine';
import { startOllamaTwin, type OllamaTwin } from '../../../../test/twins/ollama/index.js';
import { createClient, startTestServer, type Client as Rest, type TestServer } from './test-support/server.js';

const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');

/**
 * Search modes, totals and cursors over REST and MCP (streamable HTTP) on the embedded store, embeddings from the
 * Ollama twin: the same answers through both doors.
 */
const item = (id: string, content: string, stream = 'notes') => ({
  external_id: id,
  content,
  content_type: 'text',
  metadata: { source_type: 'notes', timestamp: '2026-01-01T00:00:00.000Z', stream },
});

let twin: OllamaTwin;
let server: TestServer;
let call: Rest;
let mcp: Client;
beforeAll(async () => {
  twin = await startOllamaTwin({ dimensions: 16 });
  const embedder = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16 });
  server = await startTestServer({ engine: { embedder } });
  call = createClient(server.url, server.adminToken);
  const id = (await call('POST', '/sources', { body: { source_type: 'push', name: 'notes' } })).body.id as string;
  const many = Array.from({ length: 250 }, (_, i) => item(`r${i}`, `reftable entry number ${i}`));
  const res = await call('POST', '/sources/{id}/ingest', {
    params: { id },
    body: { items: [item('car', 'car'), item('club', 'automobile club invoice payment budget bill paid'), ...many] },
  });
  expect(res.status).toBe(200);
  await server.engine.embeddings.drain();
  mcp = new Client({ name: 'tributary-test', version: '1.0.0' });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${server.adminToken}` } },
    }),
  );
}, 60_000);
afterAll(async () => {
  await mcp?.close();
  await server?.close();
  await twin?.close();
});

const tool = async (args: Record<string, unknown>) => {
  const r = (await mcp.callTool({ name: 'search_memories', arguments: args })) as {
    isError?: boolean;
    content: Array<{ text: string }>;
  };
  const text = r.content[0]!.text;
  return { isError: r.isError ?? false, text, body: r.isError ? null : JSON.parse(text) };
};

describe('search modes over REST and MCP', () => {
  it('semantic finds "car" for "automobile"; hybrid ranks it first; hits say their lists', async () => {
    const semantic = await call('GET', '/search', { query: { q: 'automobile', mode: 'semantic' } });
    expect(semantic.status).toBe(200);
    expect(semantic.body).toMatchObject({ mode: 'semantic', total: 1, total_exact: true, next_cursor: null });
    expect(semantic.body.hits[0]).toMatchObject({ external_id: 'car', lists: ['semantic'] });
    const hybrid = await call('GET', '/search', { query: { q: 'automobile' } });
    expect(hybrid.body.mode).toBe('hybrid');
    expect(hybrid.body.hits.map((h: any) => h.external_id)).toEqual(['car', 'club']);
    expect(hybrid.body.embedding).toMatchObject({ dimensions: 16, pending: 0, complete: true });
    const viaMcp = await tool({ query: 'automobile', mode: 'semantic' });
    expect(viaMcp.body.hits.map((h: any) => h.external_id)).toEqual(['car']);
    expect(viaMcp.body).toMatchObject({ total: 1, total_exact: true });
  });

  it('every search returns the total and a cursor; following it reaches every match once', async () => {
    const first = await call('GET', '/search', { query: { q: 'reftable', mode: 'keyword', limit: '200' } });
    expect(first.body).toMatchObject({ total: 250, total_exact: true });
    expect(first.body.hits).toHaveLength(200);
    const second = await call('GET', '/search', {
      query: { q: 'reftable', mode: 'keyword', limit: '200', cursor: first.body.next_cursor },
    });
    expect(second.body.hits).toHaveLength(50);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.hits, ...second.body.hits].map((h: any) => h.external_id);
    expect(new Set(ids).size).toBe(250);
    const page = await tool({ query: 'reftable', mode: 'keyword', limit: 100 });
    expect(page.body).toMatchObject({ total: 250, total_exact: true });
    const next = await tool({ query: 'reftable', mode: 'keyword', limit: 100, cursor: page.body.next_cursor });
    expect(next.body.hits[0].external_id).toBe(first.body.hits[100].external_id);
  });

  it('refuses a limit above the maximum, an unknown mode and a foreign cursor with 400 and the field', async () => {
    const big = await call('GET', '/search', { query: { q: 'reftable', limit: '100000' } });
    expect(big.status).toBe(400);
    expect(JSON.stringify(big.body)).toContain('limit');
    const mode = await call('GET', '/search', { query: { q: 'reftable', mode: 'fuzzy' } });
    expect(mode.status).toBe(400);
    const first = await call('GET', '/search', { query: { q: 'reftable', limit: '1' } });
    const foreign = await call('GET', '/search', { query: { q: 'car', cursor: first.body.next_cursor } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'cursor' }] });
    const viaMcp = await tool({ query: 'reftable', limit: 100_000 });
    expect(viaMcp.isError).toBe(true);
    expect(viaMcp.text).toContain('limit');
  });
});
