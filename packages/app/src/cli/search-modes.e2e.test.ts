import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinConnectors } from '@tributary/connectors';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaTwin, type OllamaTwin } from '../../../../test/twins/ollama/index.js';
import { runCli } from './test-support/spawn-cli.js';

/**
 * `tributary reindex --embeddings`, `search --mode`, a `--limit` above the page maximum, and `status`, as a user
 * runs them (separate processes), with Ollama's API served by the twin (TRIBUTARY_EMBEDDINGS_PROVIDER=ollama).
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-search-cli-'));
let twin: OllamaTwin;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir], env);

beforeAll(async () => {
  twin = await startOllamaTwin({ dimensions: 16 });
  env = {
    HOME: dataDir,
    TRIBUTARY_EMBEDDINGS_PROVIDER: 'ollama',
    TRIBUTARY_EMBEDDINGS_URL: twin.url,
    TRIBUTARY_EMBEDDINGS_MODEL: 'all-minilm',
    TRIBUTARY_EMBEDDINGS_DIMENSIONS: '16',
  };
  const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
  await store.migrate();
  const engine = createEngine({ store, connectors: builtinConnectors });
  const source = await engine.sources.add({ connector: 'push', name: 'notes' });
  const items = [
    { externalId: 'car', stream: 'notes', content: 'car' },
    { externalId: 'club', stream: 'notes', content: 'automobile club invoice payment budget bill paid' },
    ...Array.from({ length: 230 }, (_, i) => ({ externalId: `r${i}`, stream: 'notes', content: `reftable ${i}` })),
  ];
  await engine.ingest(source.id, { items });
  await engine.close();
}, 60_000);
afterAll(async () => {
  await twin?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('CLI search modes (embedded store, Ollama twin)', () => {
  it('reindex --embeddings embeds from stored text with progress; status shows embedder, dimension and backlog', async () => {
    const before = await cli('status', '--json');
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).search).toMatchObject({
      vectors: { enabled: true },
      embedder: { model: expect.stringContaining('all-minilm'), dimensions: 16 },
    });
    const r = await cli('reindex', '--embeddings');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/embedding: 232\/232 chunk texts/);
    expect(r.stdout).toContain('232 embedded');
    expect(twin.embedded()).toBe(232);
    const again = await cli('reindex', '--embeddings', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ queued: 232, embedded: 0, rescoped: 232 });
    expect(twin.embedded()).toBe(232); // nothing re-sent
    const status = await cli('status');
    expect(status.stdout).toMatch(
      /Search: hybrid · embedder .*all-minilm.* \(16 dimensions\) · sqlite-vec · 232 chunk texts embedded, 0 in the backlog/,
    );
  });

  it('search --mode semantic finds "car" for "automobile"; the default hybrid ranks it first', async () => {
    const semantic = JSON.parse((await cli('search', 'automobile', '--mode', 'semantic', '--json')).stdout);
    expect(semantic).toMatchObject({ mode: 'semantic', total: 1, totalExact: true });
    expect(semantic.hits.map((h: any) => h.externalId)).toEqual(['car']);
    const hybrid = await cli('search', 'automobile');
    expect(hybrid.code).toBe(0);
    expect(hybrid.stdout.indexOf('car')).toBeLessThan(hybrid.stdout.indexOf('club'));
    expect(hybrid.stdout).toContain('2 shown of 2 matches (hybrid');
  });

  it('a --limit above the page maximum is paged, not cut; an unknown mode exits 2', async () => {
    const all = JSON.parse(
      (await cli('search', 'reftable', '--mode', 'keyword', '--limit', '100000', '--json')).stdout,
    );
    expect(all).toMatchObject({ total: 230, totalExact: true, nextCursor: null });
    expect(new Set(all.hits.map((h: any) => h.externalId)).size).toBe(230);
    const some = await cli('search', 'reftable', '--mode', 'keyword', '--limit', '5');
    expect(some.stdout).toContain('5 shown of 230 matches (keyword');
    expect(some.stdout).toMatch(/more: --cursor \S+/);
    const bad = await cli('search', 'reftable', '--mode', 'fuzzy');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--mode must be one of keyword, semantic, hybrid');
  });
});
