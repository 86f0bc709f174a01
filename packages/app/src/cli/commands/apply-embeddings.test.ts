import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore, loadEmbeddingsSettings } from '@tributary/engine';
import { harness } from '../test-support/harness.js';
import { createMemoConnector } from '../test-support/memo-connector.js';

let dir: string;
let h: ReturnType<typeof harness>;
const write = (text: string): string => {
  const p = path.join(dir, 'tributary.yaml');
  writeFileSync(p, text);
  return p;
};
/** The embeddings settings saved in the data dir's database. */
async function saved() {
  const store = createSqliteStore({ path: path.join(dir, 'home', 'tributary.db') });
  await store.migrate();
  try {
    return await loadEmbeddingsSettings(store);
  } finally {
    await store.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-apply-emb-'));
  h = harness([createMemoConnector()], path.join(dir, 'home'), dir, { OLLAMA: 'http://127.0.0.1:11434' });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tributary apply: the embeddings section', () => {
  it('validates and saves it (a dry run saves nothing); null clears it', async () => {
    expect((await h.run('init')).code).toBe(0);
    const f = write('embeddings:\n  provider: ollama\n  url: ${OLLAMA}\n  model: all-minilm\n  dimensions: 384\n');
    const dry = await h.run('apply', '-f', f, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('embeddings: ollama all-minilm');
    expect(await saved()).toBeUndefined();
    expect((await h.run('apply', '-f', f)).code).toBe(0);
    expect(await saved()).toEqual({
      provider: 'ollama',
      url: 'http://127.0.0.1:11434',
      model: 'all-minilm',
      dimensions: 384,
    });
    write('embeddings: null\n');
    const cleared = await h.run('apply', '-f', f);
    expect(cleared.stdout).toContain('embeddings: saved settings cleared');
    expect(await saved()).toBeUndefined();
  });

  it('refuses a bad section naming the field, and an API key (it belongs in the environment), saving nothing', async () => {
    expect((await h.run('init')).code).toBe(0);
    const bad = await h.run(
      'apply',
      '-f',
      write('embeddings:\n  provider: ollama\n  model: all-minilm\n  dimensions: 0\n'),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('embeddings.dimensions');
    const keyed = await h.run(
      'apply',
      '-f',
      write(
        'embeddings:\n  provider: openai\n  url: https://api.openai.com\n  model: text-embedding-3-small\n  dimensions: 1536\n  apiKey: sk-secret-123\n',
      ),
    );
    expect(keyed.code).not.toBe(0);
    expect(keyed.stderr).toContain('TRIBUTARY_EMBEDDINGS_API_KEY');
    expect(keyed.stdout + keyed.stderr).not.toContain('sk-secret-123');
    expect(await saved()).toBeUndefined();
  });
});
