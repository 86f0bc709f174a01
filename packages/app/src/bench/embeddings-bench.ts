import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHttpEmbedder, createOllamaEmbedder, type Embedder } from '@tributary/engine/embedding/index';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The Ollama twin lives in the test tree (never in the product); tsx loads its TypeScript from source or dist. */
async function loadOllamaTwin(): Promise<{
  startOllamaTwin(o: { dimensions: number; latencyMs: number; record: boolean }): Promise<{
    url: string;
    embedded(): number;
    total(): number;
    close(): Promise<void>;
  }>;
}> {
  const { tsImport } = (await import('tsx/esm/api')) as unknown as {
    tsImport: (specifier: string, parent: string) => Promise<never>;
  };
  return tsImport(pathToFileURL(path.join(repoRoot, 'test', 'twins', 'ollama', 'index.ts')).href, import.meta.url);
}

const WORDS =
  'the car needs new tires before our trip to the mountains and the invoice for march is paid after the meeting about rain'.split(
    ' ',
  );

/** Deterministic chunk-sized texts (~60 words, like the pipeline's chunks). */
function texts(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => Array.from({ length: 60 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ') + ` #${i}`,
  );
}

/** The raw baseline: the same batched POST /api/embed with plain fetch and JSON.parse, no client, no checks. */
async function rawOllama(url: string, all: string[], batch: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < all.length; i += batch) {
    const res = await fetch(`${url}/api/embed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'all-minilm', input: all.slice(i, i + batch) }),
    });
    n += ((await res.json()) as { embeddings: number[][] }).embeddings.length;
  }
  return n;
}

async function viaEmbedder(embedder: Embedder, all: string[], batch: number): Promise<number> {
  let n = 0;
  // The backlog worker hands the embedder one batch at a time; so does the bench.
  for (let i = 0; i < all.length; i += batch) n += (await embedder.embed(all.slice(i, i + batch))).length;
  return n;
}

/**
 * Embedding throughput over HTTP against the Ollama twin (384-d vectors, a per-request latency like a local
 * server's), in batches: Tributary's Ollama and OpenAI-compatible embedders against raw fetch of the same batches
 * measured in the same run, and batching against one text per request. The twin's vectors cost almost nothing, so
 * this measures the client side (request building, retries, validation), not a model.
 * Size: BENCH_EMBED_TEXTS (default 20,000); BENCH_EMBED_LATENCY_MS (default 2).
 */
export async function benchEmbeddingsPhase(): Promise<void> {
  const n = Number(process.env.BENCH_EMBED_TEXTS ?? 20_000);
  const latencyMs = Number(process.env.BENCH_EMBED_LATENCY_MS ?? 2);
  const dimensions = 384;
  const batch = 64;
  const { startOllamaTwin } = await loadOllamaTwin();
  const twin = await startOllamaTwin({ dimensions, latencyMs, record: false });
  try {
    const all = texts(n);
    const ollama = createOllamaEmbedder({ url: twin.url, model: 'all-minilm', dimensions, batchSize: batch });
    const openai = createHttpEmbedder({ url: twin.url, model: 'all-minilm', dimensions, batchSize: batch });
    await rawOllama(twin.url, all.slice(0, batch * 4), batch); // warm-up (connections, JIT)
    const rawBefore = await timed(() => rawOllama(twin.url, all, batch));
    const ours = await timed(() => viaEmbedder(ollama, all, batch));
    const compat = await timed(() => viaEmbedder(openai, all, batch));
    // The raw baseline runs before and after ours; the faster of the two counts, so order effects favour raw.
    const rawAfter = await timed(() => rawOllama(twin.url, all, batch));
    const raw = rawAfter.seconds < rawBefore.seconds ? rawAfter : rawBefore;
    const singles = Math.min(n, 2000);
    const one = await timed(() => viaEmbedder(ollama, all.slice(0, singles), 1));
    const rate = (count: number, s: number) => count / s;
    const rawRate = rate(raw.result, raw.seconds);
    const ourRate = rate(ours.result, ours.seconds);
    printTable(`Embeddings over HTTP (Ollama twin, ${fmt(n)} texts × ${dimensions}-d, ${latencyMs} ms/request)`, [
      ['raw fetch /api/embed, batch 64 (best of 2)', `${fmt(rawRate)} texts/s`],
      ['Tributary Ollama embedder, batch 64', `${fmt(ourRate)} texts/s (${fmt(ourRate / rawRate, 2)}× raw)`],
      [
        'Tributary OpenAI-compatible, batch 64',
        `${fmt(rate(compat.result, compat.seconds))} texts/s (${fmt(rate(compat.result, compat.seconds) / rawRate, 2)}× raw)`,
      ],
      [
        `Tributary Ollama embedder, batch 1 (${fmt(singles)} texts)`,
        `${fmt(rate(one.result, one.seconds))} texts/s (batching gains ${fmt(ourRate / rate(one.result, one.seconds), 1)}×)`,
      ],
      ['peak RSS', `${fmt(peakRssMb())} MB`],
    ]);
  } finally {
    await twin.close();
  }
}
