import './test-support/plain-conditions.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { builtinConnectors } from '@tributary/connectors';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, makeItems, repoRoot, startTestServer, type TestServer } from '../api/test-support/server.js';

// Loaded after the resolve hook above is registered (see plain-conditions.ts).
const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');

type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }> };
const text = (r: unknown): string => (r as ToolResult).content[0]!.text;
const parsed = (r: unknown): any => JSON.parse(text(r));

/** The same checks over any transport: tools, their results, errors as isError, resources. */
async function exerciseTools(client: Client, expectedSource: string): Promise<void> {
  const tools = (await client.listTools()).tools.map((t) => t.name).sort();
  expect(tools).toEqual(['get_memory', 'list_sources', 'search_memories', 'timeline']);

  const sources = parsed(await client.callTool({ name: 'list_sources', arguments: {} }));
  expect(sources.sources).toEqual([
    expect.objectContaining({ name: expectedSource, source_type: 'push', status: 'active', memories: 30 }),
  ]);

  const search = await client.callTool({
    name: 'search_memories',
    arguments: { query: 'flamingo', author: 'user2', limit: 3 },
  });
  expect((search as ToolResult).isError).toBeFalsy();
  const hits = parsed(search).hits;
  expect(hits).toHaveLength(3);
  expect(hits[0]).toMatchObject({
    author: 'user2',
    source_name: expectedSource,
    url: expect.stringMatching(/^https:\/\/chat/),
  });
  expect(hits[0].snippet).toContain('«');
  // Importance and domain: on every hit, and filters of the tool.
  expect(hits[0]).toMatchObject({ importance: expect.any(Number), domain: 'work' });
  const floor = Math.max(...hits.map((h: { importance: number }) => h.importance));
  const important = parsed(
    await client.callTool({
      name: 'search_memories',
      arguments: { query: 'flamingo', min_importance: floor, domain: 'work', limit: 50 },
    }),
  ).hits as Array<{ importance: number; domain: string }>;
  expect(important.length).toBeGreaterThan(0);
  expect(important.every((h) => h.importance >= floor && h.domain === 'work')).toBe(true);
  const health = await client.callTool({ name: 'search_memories', arguments: { query: 'flamingo', domain: 'health' } });
  expect(parsed(health).hits).toEqual([]);

  const memory = parsed(await client.callTool({ name: 'get_memory', arguments: { id: hits[0].memory_id } }));
  expect(memory).toMatchObject({ id: hits[0].memory_id, author: 'user2', versions: [] });
  expect(memory.content).toContain('flamingo');

  const timeline = parsed(
    await client.callTool({ name: 'timeline', arguments: { thread: 't1', order: 'asc', limit: 5 } }),
  );
  expect(timeline.entries.map((e: { external_id: string }) => e.external_id)).toEqual([
    'm-10',
    'm-11',
    'm-12',
    'm-13',
    'm-14',
  ]);
  expect(timeline.next_cursor).toEqual(expect.any(String));

  const missing = (await client.callTool({ name: 'get_memory', arguments: { id: 'no-such-memory' } })) as ToolResult;
  expect(missing.isError).toBe(true);
  expect(missing.content[0]!.text).toMatch(/^not_found: /);
  const badSince = (await client.callTool({ name: 'timeline', arguments: { since: 'last week' } })) as ToolResult;
  expect(badSince.isError).toBe(true);
  expect(badSince.content[0]!.text).toMatch(/since/);

  // Interop: a numeric id, strict arguments with the documented error text, spec error codes.
  const byNumber = parsed(await client.callTool({ name: 'get_memory', arguments: { id: Number(hits[0].memory_id) } }));
  expect(byNumber.id).toBe(hits[0].memory_id);
  for (const [name, args, field] of [
    ['get_memory', { id: hits[0].memory_id, colour: 'red' }, 'colour'],
    ['search_memories', { query: 'flamingo', q: 'flamingo' }, 'q'],
    ['timeline', { limt: 5 }, 'limt'],
    ['list_sources', { verbose: true }, 'verbose'],
    ['get_memory', { id: 1.5 }, 'id'],
    ['get_memory', {}, 'id'],
  ] as const) {
    const refused = (await client.callTool({ name, arguments: args })) as ToolResult;
    expect(refused.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
    expect(refused.content[0]!.text).toMatch(new RegExp(`^invalid_input: Invalid request: .*${field}`));
  }
  const unknownTool = (await client.callTool({ name: 'no_such_tool', arguments: {} })) as ToolResult;
  expect(unknownTool.isError).toBe(true);
  expect(unknownTool.content[0]!.text).toMatch(/^not_found: Unknown tool "no_such_tool"; tools: search_memories/);
  await expect(client.readResource({ uri: 'tributary://sources/no-such-source' })).rejects.toMatchObject({
    code: -32002,
  });
  await expect(client.readResource({ uri: 'tributary://nothing/here' })).rejects.toMatchObject({ code: -32002 });

  const resources = await client.listResources();
  expect(resources.resources.map((r) => r.uri)).toContain('tributary://sources');
  const list = await client.readResource({ uri: 'tributary://sources' });
  expect(JSON.parse((list.contents[0] as { text: string }).text).sources[0].name).toBe(expectedSource);
}

describe('MCP over stdio (tributary mcp)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-mcp-'));
  let client: Client;

  beforeAll(async () => {
    const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
    await store.migrate();
    const engine = createEngine({ store, connectors: builtinConnectors });
    const source = await engine.sources.add({ connector: 'push', name: 'chat' });
    await engine.ingest(source.id, {
      items: (await import('../api/wire.js')).itemsFromWireForTest(makeItems('m', 0, 30)),
    });
    await engine.close();
    client = new Client({ name: 'tributary-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          '--conditions=source',
          '--import',
          'tsx',
          path.join(repoRoot, 'packages/app/src/cli/main.ts'),
          'mcp',
          '--data-dir',
          dataDir,
        ],
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: dataDir, NO_COLOR: '1' },
        stderr: 'pipe',
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the official SDK client as the local user', async () => {
    expect(client.getServerVersion()?.name).toBe('tributary');
    await exerciseTools(client, 'chat');
  }, 60_000);
});

describe('MCP over streamable HTTP (POST /mcp)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const call = createClient(server.url, server.adminToken);
    const id = (await call('POST', '/sources', { body: { source_type: 'push', name: 'web' } })).body.id;
    await call('POST', '/sources/{id}/ingest', { params: { id }, body: { items: makeItems('m', 0, 30) } });
    await call('POST', '/users', { body: { id: 'bob', name: 'Bob' } });
  });
  afterAll(async () => server.close());

  const connect = async (token: string | null): Promise<Client> => {
    const client = new Client({ name: 'tributary-test', version: '1.0.0' });
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } }));
    return client;
  };

  it('serves the tools to a client with a bearer token', async () => {
    const client = await connect(server.adminToken);
    try {
      await exerciseTools(client, 'web');
    } finally {
      await client.close();
    }
  });

  it('refuses a client without a token, and scopes another user to their own data', async () => {
    await expect(connect(null)).rejects.toThrow(/401|unauthenticated/i);
    const call = createClient(server.url, server.adminToken);
    const bobToken = (await call('POST', '/users/{id}/tokens', { params: { id: 'bob' }, body: {} })).body.token;
    const bob = await connect(bobToken);
    try {
      expect(parsed(await bob.callTool({ name: 'list_sources', arguments: {} })).sources).toEqual([]);
      expect(parsed(await bob.callTool({ name: 'search_memories', arguments: { query: 'flamingo' } })).hits).toEqual(
        [],
      );
      const sources = await call('GET', '/sources');
      const foreign = (await bob.callTool({
        name: 'timeline',
        arguments: { source: sources.body.sources[0].id },
      })) as ToolResult;
      expect(foreign.isError).toBe(true);
      expect(foreign.content[0]!.text).toMatch(/^not_found/);
    } finally {
      await bob.close();
    }
  });
});
