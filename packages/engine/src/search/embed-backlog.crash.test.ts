import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOllamaTwin, type OllamaTwin } from '../../../../test/twins/ollama/index.js';
import { chat, prepared } from '../store/contract-support.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { chunkHash } from '../store/vector-queue.js';
import { createOllamaEmbedder } from '../embedding/ollama-embedder.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const CHUNKS = 3000;

let twin: OllamaTwin;
let dir: string;
beforeAll(async () => {
  // A little latency per request, so kills land inside embedding calls as well as between writes.
  twin = await startOllamaTwin({ dimensions: 16, latencyMs: 5 });
  dir = mkdtempSync(path.join(tmpdir(), 'trib-embed-crash-'));
});
afterAll(async () => {
  await twin?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the drain child; SIGKILL after `killAfter` finished batches (or lets it finish). */
function runChild(dbPath: string, killAfter: number | null): Promise<{ killed: boolean; batches: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(here, 'test-support/drain-child.ts'), dbPath, twin.url],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let batches = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('batch ')) return;
      batches++;
      if (killAfter !== null && batches >= killAfter) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, batches });
      else if (code === 0) resolve({ killed: false, batches });
      else reject(new Error(`drain child exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

it('kill -9 during the embedding backlog loses no entry; after restarts every chunk text has exactly one vector', async () => {
  const dbPath = path.join(dir, 'db.sqlite');
  const store = createSqliteStore({ path: dbPath });
  await store.migrate();
  await store.embeddingQueue.enable();
  const source = await store.createSource({ ownerId: 'local', sourceType: 'test', name: 's', config: {} });
  const texts = Array.from({ length: CHUNKS }, (_, i) => `note ${i} about the car number ${i * 7}`);
  for (let i = 0; i < CHUNKS; i += 500)
    await store.commitPage({
      sourceId: source.id,
      runId: null,
      items: prepared(texts.slice(i, i + 500).map((t, j) => chat(`n${i + j}`, t))),
      deletes: [],
      checkpoint: undefined,
    });
  expect(await store.embeddingQueue.size()).toBe(CHUNKS);
  const modelId = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions: 16 }).id;
  await store.vectorIndex.ensureModel({ id: modelId, dimensions: 16 });
  await store.close();

  const kills: number[] = [];
  for (let round = 0; round < 4; round++) {
    const after = 2 + ((round * 5) % 7); // 2, 7, 5, 3 batches into each run
    const r = await runChild(dbPath, after);
    if (!r.killed) break;
    kills.push(after);
  }
  expect(kills.length).toBeGreaterThanOrEqual(3);
  expect((await runChild(dbPath, null)).killed).toBe(false);

  const check = createSqliteStore({ path: dbPath });
  await check.migrate();
  try {
    expect(await check.embeddingQueue.size()).toBe(0);
    const model = (await check.vectorIndex.models()).find((m) => m.id === modelId)!;
    expect(model.count).toBe(CHUNKS);
    const stored = check.db
      .prepare(`SELECT hash, count(*) AS n FROM vector_points WHERE model = ? GROUP BY hash`)
      .all(model.id) as Array<{ hash: string; n: number }>;
    expect(stored.every((r) => r.n === 1)).toBe(true);
    expect(new Set(stored.map((r) => r.hash))).toEqual(new Set(texts.map((t) => chunkHash(0, null, t))));
    // Each kill can lose at most the one batch in flight (embedded, not yet stored): every other text was sent once.
    const sent = new Map<string, number>();
    for (const t of twin.requests.flatMap((r) => r.input)) sent.set(t, (sent.get(t) ?? 0) + 1);
    expect(sent.size).toBe(CHUNKS);
    const repeats = [...sent.values()].reduce((a, n) => a + n - 1, 0);
    expect(repeats).toBeLessThanOrEqual(kills.length * 100);
    // Vector search over the recovered index finds a note by meaning.
    const [hit] = await check.vectorIndex.search(model.id, { vector: twinQuery(), k: 1 });
    expect(hit!.distance).toBeLessThan(0.5);
  } finally {
    await check.close();
  }
}, 120_000);

/** The twin's vector for "automobile" (the vehicle axis), as the engine would embed the query. */
function twinQuery(): number[] {
  const v = new Array<number>(16).fill(0);
  v[0] = 1;
  return v;
}
