import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { onedriveConnector } from '@tributary/connectors/onedrive/index';
import {
  createHttpClient,
  createMemoryState,
  parseConfig,
  resolveFeatures,
  silentLogger,
  systemClock,
  unlimited,
  type ReadContext,
} from '@tributary/sdk';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const TOKEN = 'eyJ0eXAi.twin-token';

/** The Graph twin lives in the test tree; loaded through tsx like the other twins. */
async function loadGraphTwin(): Promise<any> {
  const { tsImport } = (await import('tsx/esm/api')) as {
    tsImport: (specifier: string, parent: string) => Promise<unknown>;
  };
  return tsImport(pathToFileURL(path.join(repoRoot, 'test/twins/msgraph/index.ts')).href, import.meta.url);
}

function context(config: unknown, counters: { calls: number }, from?: ReadContext<any, any>): ReadContext<any, any> {
  const credential = { kind: 'oauth2' as const, accessToken: TOKEN };
  return {
    sourceId: 'bench-onedrive',
    config: parseConfig(onedriveConnector, config),
    features: resolveFeatures(onedriveConnector.manifest, {}),
    credentials: { get: async () => credential, refresh: async () => credential },
    // Downloads go through ctx.http: counted like the Graph calls.
    http: createHttpClient({ onRequest: () => void (counters.calls += 1) }),
    rateLimiter: unlimited,
    logger: silentLogger,
    signal: new AbortController().signal,
    clock: systemClock,
    countApiCall: (n = 1) => void (counters.calls += n),
    countRateLimitWait: () => undefined,
    checkpoint: from?.checkpoint,
    state: from?.state ?? createMemoryState(),
    mode: from ? 'incremental' : 'backfill',
    since: undefined,
    hints: {},
    progress: () => undefined,
  };
}

async function drain(ctx: ReadContext<any, any>): Promise<number> {
  let n = 0;
  for await (const page of onedriveConnector.read(ctx)) {
    n += (page.items?.length ?? 0) + (page.deletes?.length ?? 0);
    (ctx.state as ReturnType<typeof createMemoryState>).apply(page.state);
    ctx.checkpoint = page.checkpoint;
  }
  return n;
}

/** Raw baseline: the same delta pages and downloadUrl fetches with plain fetch at the same concurrency, no extraction. */
async function rawRead(baseUrl: string, concurrency: number): Promise<number> {
  const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
  let link: string | undefined = `${baseUrl}/me/drive/root/delta?$top=1000`;
  let n = 0;
  while (link) {
    const page = (await (await fetch(link, auth)).json()) as {
      value: Array<{ file?: unknown; '@microsoft.graph.downloadUrl'?: string }>;
      '@odata.nextLink'?: string;
    };
    const urls = page.value.filter((i) => i.file).map((i) => i['@microsoft.graph.downloadUrl']!);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < urls.length) {
          await (await fetch(urls[next++]!)).arrayBuffer();
          n++;
        }
      }),
    );
    link = page['@odata.nextLink'];
  }
  return n;
}

/**
 * `onedrive` phase: BENCH_ONEDRIVE files (default 20,000) in 1,000 folders read by the connector (delta pages of
 * 1,000, 8 downloads in flight, text/Markdown/code/HTML extraction) against a raw fetch of the same delta pages and
 * downloads in the same run; then 100 changes (30 added, 40 edited, 30 deleted) and the calls they cost.
 */
export async function benchOnedrivePhase(): Promise<void> {
  const twins = await loadGraphTwin();
  const files = Number(process.env.BENCH_ONEDRIVE ?? 20_000);
  const seed = twins.seedGraphDrive({ folders: 1000, files });
  const twin = await twins.startGraphTwin(seed.state, { record: false });
  try {
    const concurrency = 8;
    const counters = { calls: 0 };
    const cfg = { baseUrl: twin.baseUrl, pageSize: 1000, concurrency };
    const ctx = context(cfg, counters);
    const conn = await timed(() => drain(ctx));
    const raw = await timed(() => rawRead(twin.baseUrl, concurrency));
    const s = seed.state;
    for (let i = 0; i < 30; i++) s.addFile(`added-${i}.txt`, `added ${i}`, { parentId: seed.folders[i].id });
    for (const f of seed.files.slice(100, 140)) s.edit(f.id, `edited ${f.name}`);
    for (const f of seed.files.slice(300, 330)) s.remove(f.id);
    const inc = { calls: 0 };
    const changed = await drain(context(cfg, inc, ctx));
    // Exact counts, or the figures mean nothing: every file once, the 100 changes exactly.
    if (conn.result !== files || raw.result !== files || changed !== 100)
      throw new Error(
        `onedrive bench: read ${conn.result} (raw ${raw.result}) of ${files} files, ${changed} of 100 changes`,
      );
    printTable(`onedrive: ${fmt(files)} files in 1,000 folders (Graph twin)`, [
      ['connector', `${fmt(conn.result)} files in ${fmt(conn.seconds, 1)} s (${fmt(conn.result / conn.seconds)}/s)`],
      ['raw fetch', `${fmt(raw.result)} files in ${fmt(raw.seconds, 1)} s (${fmt(raw.result / raw.seconds)}/s)`],
      ['ratio', `${fmt(conn.seconds / raw.seconds, 2)}× the raw time (extraction, mapping and state included)`],
      ['API calls', `${fmt(counters.calls)} (${fmt(counters.calls / Math.max(1, conn.result), 3)} per file)`],
      [
        '100 changes',
        `${fmt(changed)} items/tombstones in ${fmt(inc.calls)} calls (${fmt(inc.calls / 100, 2)} per change)`,
      ],
      ['peak RSS', `${fmt(peakRssMb())} MB`],
    ]);
  } finally {
    await twin.close();
  }
}
