import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createOllamaEmbedder,
  createPipeline,
  createSqliteStore,
  drainEmbeddingBacklog,
  type PreparedItem,
} from '@tributary/engine';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

/**
 * The embedding backlog under kill -9 at bench size (BENCH_BACKLOG_CRASH, default 100,000 chunk texts): a child
 * process drains it through Ollama's API (the twin, 384-d), is killed with SIGKILL a third of the way, and a second
 * child finishes. Then every text must have exactly one vector and the backlog must be empty; the figures are the
 * drain throughput and how many texts the kill made the embedder see twice (at most the batch in flight).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const DIM = 384;

async function loadOllamaTwin(): Promise<{
  startOllamaTwin(o: { dimensions: number; latencyMs: number; record: boolean }): Promise<{
    url: string;
    embedded(): number;
    close(): Promise<void>;
  }>;
}> {
  const { tsImport } = (await import('tsx/esm/api')) as unknown as {
    tsImport: (specifier: string, parent: string) => Promise<never>;
  };
  return tsImport(pathToFileURL(path.join(repoRoot, 'test', 'twins', 'ollama', 'index.ts')).href, import.meta.url);
}

const embedderFor = (url: string) => createOllamaEmbedder({ url, model: 'all-minilm', dimensions: DIM, batchSize: 64 });

/** The child: drains the backlog, printing `batch <done>` after each batch. */
export async function drainChild(dbPath: string, url: string): Promise<void> {
  const store = createSqliteStore({ path: dbPath });
  await store.migrate();
  await drainEmbeddingBacklog(
    { store, embedder: embedderFor(url) },
    { batchSize: 256, onProgress: (p) => process.stdout.write(`batch ${p.done}\n`) },
  );
  await store.close();
}

function runChild(dbPath: string, url: string, killAtDone: number | null): Promise<{ killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, path.join(here, 'main.js'), '--drain-child', dbPath, url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      const done = Number(line.split(' ')[1]);
      if (killAtDone !== null && done >= killAtDone) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve({ killed: true })
        : code === 0
          ? resolve({ killed: false })
          : reject(new Error(`drain child exited ${code}`)),
    );
  });
}

export async function benchBacklogCrashPhase(): Promise<void> {
  const n = Number(process.env.BENCH_BACKLOG_CRASH ?? 100_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-backlog-crash-'));
  const twin = await (await loadOllamaTwin()).startOllamaTwin({ dimensions: DIM, latencyMs: 0, record: false });
  try {
    const dbPath = path.join(dir, 'db.sqlite');
    const store = createSqliteStore({ path: dbPath });
    await store.migrate();
    await store.embeddingQueue.enable();
    const source = await store.createSource({ ownerId: 'local', sourceType: 'bench', name: 'b', config: {} });
    const pipeline = createPipeline();
    for (let i = 0; i < n; i += 1000) {
      const page: PreparedItem[] = [];
      for (let j = i; j < Math.min(n, i + 1000); j++)
        page.push(
          pipeline.prepare(
            { externalId: `m${j}`, stream: 'notes', content: `note ${j} on the trip` },
            `f${j}`,
          ) as PreparedItem,
        );
      await store.commitPage({ sourceId: source.id, runId: null, items: page, deletes: [], checkpoint: undefined });
    }
    await store.vectorIndex.ensureModel({ id: embedderFor(twin.url).id, dimensions: DIM });
    await store.close();

    const killed = await timed(() => runChild(dbPath, twin.url, Math.floor(n / 3)));
    const rest = await timed(() => runChild(dbPath, twin.url, null));
    const check = createSqliteStore({ path: dbPath });
    await check.migrate();
    const counts = check.db.prepare(`SELECT count(*) AS n, count(DISTINCT hash) AS d FROM vector_points`).get() as {
      n: number;
      d: number;
    };
    const pending = await check.embeddingQueue.size();
    await check.close();
    const ok = counts.n === n && counts.d === n && pending === 0 && killed.result.killed;
    printTable(`Embedding backlog, ${fmt(n)} chunk texts, kill -9 a third of the way (Ollama twin, ${DIM}-d)`, [
      ['drain until the kill + after restart', `${fmt(killed.seconds, 1)} s + ${fmt(rest.seconds, 1)} s`],
      ['throughput', `${fmt(n / (killed.seconds + rest.seconds))} texts/s`],
      ['texts sent twice (the batch in flight)', fmt(twin.embedded() - n)],
      ['vectors / distinct / backlog left', `${fmt(counts.n)} / ${fmt(counts.d)} / ${fmt(pending)}`],
      ['every text embedded exactly once', ok ? 'yes' : 'NO'],
      ['peak RSS (parent)', `${fmt(peakRssMb())} MB`],
    ]);
    if (!ok) process.exitCode = 1;
  } finally {
    await twin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
