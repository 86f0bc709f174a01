import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startQdrantTwin } from '../../../../test/twins/qdrant/index.js';
import { createClient, startTestServer } from '../api/test-support/server.js';
import { harness } from '../cli/test-support/harness.js';
import { createMemoConnector } from '../cli/test-support/memo-connector.js';
import { openRuntime } from './open-runtime.js';
import { loadQdrantSettings } from './qdrant-settings.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-qdrant-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The Qdrant settings saved in a data dir (read through a runtime, as a process start does). */
async function saved(dataDir: string) {
  const runtime = await openRuntime({ dataDir, env: {}, connectors: [], syncIn: 'inline' });
  try {
    return (await loadQdrantSettings(runtime.store)) ?? null;
  } finally {
    await runtime.close();
  }
}

describe('Qdrant configured beside the embeddings: config file, CLI, API; the environment wins', () => {
  it('tributary apply saves the qdrant section (not on a dry run), null clears it, a key or bad URL is refused', async () => {
    const home = path.join(dir, 'home');
    const h = harness([createMemoConnector()], home, dir);
    expect((await h.run('init')).code).toBe(0);
    const f = path.join(dir, 'tributary.yaml');
    writeFileSync(f, 'qdrant:\n  url: http://qdrant:6333\n  collectionPrefix: team_a\n');
    const dry = await h.run('apply', '-f', f, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('qdrant: http://qdrant:6333');
    expect(await saved(home)).toBeNull();
    expect((await h.run('apply', '-f', f)).code).toBe(0);
    expect(await saved(home)).toEqual({ url: 'http://qdrant:6333', collectionPrefix: 'team_a' });

    for (const [body, why] of [
      ['qdrant:\n  url: http://qdrant:6333\n  apiKey: s3cret-key\n', /qdrant\.apiKey|TRIBUTARY_QDRANT_API_KEY/],
      ['qdrant:\n  url: ftp://qdrant:6333\n', /qdrant\.url/],
      ['qdrant:\n  url: http://qdrant:6333\n  collectionPrefix: "a b"\n', /qdrant\.collectionPrefix/],
    ] as const) {
      writeFileSync(f, body);
      const bad = await h.run('apply', '-f', f);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(why);
      expect(bad.stderr).not.toContain('s3cret-key');
    }
    expect(await saved(home)).toEqual({ url: 'http://qdrant:6333', collectionPrefix: 'team_a' }); // unchanged

    writeFileSync(f, 'qdrant: null\n');
    expect((await h.run('apply', '-f', f)).stdout).toContain('qdrant: saved settings cleared');
    expect(await saved(home)).toBeNull();
  });

  it('tributary embeddings qdrant set|show|clear, and a credential in the URL refused', async () => {
    const home = path.join(dir, 'home');
    const h = harness([createMemoConnector()], home, dir, { TRIBUTARY_QDRANT_API_KEY: 'k-123' });
    expect((await h.run('embeddings', 'qdrant', 'show')).stdout).toContain('No Qdrant configured');
    const set = await h.run('embeddings', 'qdrant', 'set', '--url', 'http://qdrant:6333', '--collection-prefix', 'p1');
    expect(set.code, set.stderr).toBe(0);
    expect((await h.run('embeddings', 'qdrant', 'show', '--json')).json()).toEqual({
      saved: { url: 'http://qdrant:6333', collectionPrefix: 'p1' },
      active: {
        url: 'http://qdrant:6333',
        collectionPrefix: 'p1',
        apiKey: 'set (TRIBUTARY_QDRANT_API_KEY)',
        origin: 'settings',
      },
    });
    const creds = await h.run('embeddings', 'qdrant', 'set', '--url', 'http://user:pw@qdrant:6333');
    expect(creds.code).not.toBe(0);
    expect(creds.stderr).toMatch(/must not carry credentials/);
    expect((await h.run('embeddings', 'qdrant', 'clear')).code).toBe(0);
    expect(await saved(home)).toBeNull();
  });

  it('PUT /settings/qdrant (admin only) saves what the next start uses: vectors go to Qdrant; the env URL wins', async () => {
    const server = await startTestServer({ dir: path.join(dir, 'api') });
    try {
      const call = createClient(server.url, server.adminToken);
      const key = await call('PUT', '/settings/qdrant', { body: { url: 'http://q:6333', apiKey: 'nope-secret' } });
      expect(key.status).toBe(400);
      expect(JSON.stringify(key.body)).not.toContain('nope-secret');
      await call('POST', '/users', { body: { id: 'bob', name: 'Bob' } });
      const bob = (await call('POST', '/users/{id}/tokens', { params: { id: 'bob' }, body: {} })).body.token as string;
      expect(bob).toEqual(expect.any(String));
      expect((await call('PUT', '/settings/qdrant', { body: { url: 'http://q:6333' }, token: bob })).status).toBe(403);
    } finally {
      await server.close();
    }

    const twin = await startQdrantTwin();
    try {
      const dataDir = path.join(dir, 'node');
      const first = await openRuntime({ dataDir, env: {}, connectors: [], syncIn: 'inline' });
      expect(first.store.vectorSupport().reason).not.toMatch(/qdrant/);
      await first.close();
      const server2 = await startTestServer({ dir: dataDir });
      try {
        const call = createClient(server2.url, server2.adminToken);
        const put = await call('PUT', '/settings/qdrant', { body: { url: twin.url, collectionPrefix: 'saved' } });
        expect(put.status).toBe(200);
        expect(put.body.saved).toEqual({ url: twin.url, collectionPrefix: 'saved' });
        // The next process start (the test server removes its dir on close: start it meanwhile).
        const next = await openRuntime({ dataDir, env: {}, connectors: [], syncIn: 'inline' });
        expect(next.store.vectorSupport()).toEqual({ enabled: true, reason: `qdrant at ${twin.url}` });
        await next.close();
        const env = { TRIBUTARY_QDRANT_URL: 'http://127.0.0.1:1' };
        const overridden = await openRuntime({ dataDir, env, connectors: [], syncIn: 'inline' });
        expect(overridden.store.vectorSupport().reason).toBe('qdrant at http://127.0.0.1:1');
        await overridden.close();
      } finally {
        await server2.close();
      }
    } finally {
      await twin.close();
    }
  });
});
