import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { harness } from './test-support/harness.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-cli-read-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A source with a run left `running` by a process that died (no lease held): what a kill -9 mid-sync leaves. */
async function deadRun(home: string): Promise<string> {
  const store = createSqliteStore({ path: path.join(home, 'tributary.db') });
  await store.migrate();
  const source = await store.createSource({ ownerId: LOCAL_USER_ID, sourceType: 'memo', name: 'n1', config: {} });
  const run = await store.startRun({ sourceId: source.id, mode: 'incremental', trigger: 'manual' });
  await store.close();
  return run.id;
}

async function runStatus(home: string, runId: string): Promise<string | undefined> {
  const store = createSqliteStore({ path: path.join(home, 'tributary.db') });
  try {
    return (await store.getRun(runId))?.status;
  } finally {
    await store.close();
  }
}

describe('read-only commands (the store alone, no runtime)', () => {
  it('search writes nothing: a dead run stays as it is; status marks it aborted before reporting it', async () => {
    const home = path.join(dir, 'home');
    const { run } = harness([], home, dir);
    expect((await run('init')).code).toBe(0);
    const runId = await deadRun(home);

    const search = await run('search', 'anything', '--json');
    expect(search.code, search.stderr).toBe(0);
    expect(search.json()).toMatchObject({ query: 'anything', mode: 'keyword', total: 0, hits: [] });
    expect(await runStatus(home, runId)).toBe('running');

    const status = await run('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(await runStatus(home, runId)).toBe('aborted');
  });

  it('search picks the embedder from the saved settings as the runtime does (none saved: keyword only)', async () => {
    const { run } = harness([], path.join(dir, 'home'), dir);
    const none = await run('search', 'x', '--mode', 'semantic');
    expect(none.stderr).toContain('no embedder is configured');
    const set = ['embeddings', 'set', '--provider', 'ollama', '--url', 'http://127.0.0.1:9', '--model', 'm'];
    expect((await run(...set, '--dimensions', '8')).code).toBe(0);
    // An embedder from the settings now embeds the query (and fails: nothing listens on port 9).
    const saved = await run('search', 'x', '--mode', 'semantic');
    expect(saved.code).toBe(1);
    expect(saved.stderr).toContain('Embedding with Ollama "m" failed');
  });

  it('search sends vectors to Qdrant when the saved settings name it, as the runtime does (none saved: the store)', async () => {
    // A fake Ollama (8-dim vectors) and a fake Qdrant that counts what it is asked and answers 503.
    const ollama = await listen((body, res) => {
      const input = (JSON.parse(body) as { input: string[] }).input;
      res.end(JSON.stringify({ embeddings: input.map(() => [1, 0, 0, 0, 0, 0, 0, 0]) }));
    });
    let asked = 0;
    const qdrant = await listen((_body, res) => {
      asked++;
      res.writeHead(503).end('{}');
    });
    try {
      const { run } = harness([], path.join(dir, 'home'), dir);
      const set = ['embeddings', 'set', '--provider', 'ollama', '--url', ollama.url, '--model', 'm'];
      expect((await run(...set, '--dimensions', '8')).code).toBe(0);
      const local = await run('search', 'x', '--mode', 'semantic');
      // The store's own vectors (sqlite-vec): no model has vectors there yet, and Qdrant is not asked.
      expect(local.stderr).toContain('No vectors of the embedding model');
      expect(asked).toBe(0);
      expect((await run('embeddings', 'qdrant', 'set', '--url', qdrant.url)).code).toBe(0);
      await run('search', 'x', '--mode', 'semantic');
      expect(asked).toBeGreaterThan(0);
    } finally {
      ollama.server.close();
      qdrant.server.close();
    }
  });

  it('search --source naming an unknown source: not_found (exit 2), nothing searched', async () => {
    const { run } = harness([], path.join(dir, 'home'), dir);
    const r = await run('search', 'x', '--source', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No source "nope"');
  });
});

/** A local HTTP server answering every request with `answer(body, res)`. */
async function listen(
  answer: (body: string, res: import('node:http').ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => answer(body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
