import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { builtinConnectors } from '@tributary/connectors';
import { createEngine, createSqliteStore, LOCAL_USER_ID } from '@tributary/engine';
import { afterAll, expect, it } from 'vitest';
import { createMcpServer } from './server.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-mcp-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('list_sources says "connector disabled" for a source of a disabled connector, as REST does', async () => {
  const store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
  await store.migrate();
  const engine = createEngine({ store, connectors: builtinConnectors });
  const server = createMcpServer(engine, { user: { id: LOCAL_USER_ID } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'tributary-test', version: '1.0.0' });
  await client.connect(clientSide);
  try {
    await engine.sources.add({ connector: 'push', name: 'pushed' });
    const list = async () =>
      JSON.parse(((await client.callTool({ name: 'list_sources', arguments: {} })) as any).content[0].text).sources;
    expect(await list()).toEqual([expect.objectContaining({ name: 'pushed', status: 'active', status_reason: null })]);
    await engine.connectors.registry.setEnabled('push', false);
    expect(await list()).toEqual([
      expect.objectContaining({ name: 'pushed', status: 'active', status_reason: 'connector disabled' }),
    ]);
    await engine.connectors.registry.setEnabled('push', true);
    expect((await list())[0].status_reason).toBeNull();
  } finally {
    await client.close();
    await engine.close();
  }
});
