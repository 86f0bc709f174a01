import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fathomConnector } from '@tributary/connectors/fathom/index';
import { linkedinExportConnector } from '@tributary/connectors/linkedin-export/index';
import { youtubeConnector } from '@tributary/connectors/youtube/index';
import {
  createMemoryState,
  type AnyConnector,
  type Checkpoint,
  type Credential,
  type MemoryConnectorState,
} from '@tributary/sdk';
import { benchReadContext, loadTestModule } from './bench-kit.js';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

interface Drained {
  items: number;
  deletes: number;
  checkpoint: Checkpoint | undefined;
  state: MemoryConnectorState;
}

/** Reads to the end from `prev` (checkpoint and state), committing each page's state as the engine does. */
async function drain(
  connector: AnyConnector,
  config: unknown,
  credential: Credential | undefined,
  calls: { n: number },
  prev?: Drained,
): Promise<Drained> {
  const state = prev?.state ?? createMemoryState();
  const ctx = benchReadContext(connector, config, {
    credential,
    onCall: (n) => void (calls.n += n),
    countRequests: true,
    checkpoint: prev?.checkpoint,
    state,
    mode: prev ? 'incremental' : 'backfill',
  });
  let items = 0;
  let deletes = 0;
  let checkpoint: Checkpoint | undefined;
  for await (const page of connector.read(ctx)) {
    items += page.items?.length ?? 0;
    deletes += page.deletes?.length ?? 0;
    checkpoint = page.checkpoint;
    state.apply(page.state);
  }
  return { items, deletes, checkpoint, state };
}

function report(
  title: string,
  run: { result: Drained; seconds: number },
  base: { result: number; seconds: number },
  baseWhat: string,
  calls?: number,
): void {
  printTable(title, [
    [
      'items yielded',
      `${fmt(run.result.items)} in ${fmt(run.seconds, 2)} s = ${fmt(run.result.items / run.seconds)} items/s`,
    ],
    ...(calls !== undefined ? ([['calls', fmt(calls)]] as Array<[string, string]>) : []),
    ['raw baseline', `${fmt(base.result)} ${baseWhat} in ${fmt(base.seconds, 2)} s`],
    ['ratio', `${fmt(run.seconds / base.seconds, 2)} × the raw baseline`],
    ['peak RSS (phase)', `${fmt(peakRssMb())} MB`],
  ]);
}

async function benchLinkedin(): Promise<void> {
  const a = await loadTestModule('packages/connectors/src/linkedin-export/test-support/archive.ts');
  const raw = await loadTestModule('packages/connectors/src/linkedin-export/test-support/raw.ts');
  const shares = Number(process.env.BENCH_LINKEDIN_POSTS ?? 5000);
  const messages = Number(process.env.BENCH_LINKEDIN_MESSAGES ?? 20000);
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-bench-linkedin-'));
  try {
    const zip = path.join(dir, 'export.zip');
    const spec = a.sampleExport({ shares: shares / 2, comments: shares / 2, messages, connections: 500, articles: 20 });
    a.writeExport(zip, spec);
    const base = await timed((): Promise<number> => raw.rawArchiveRows(zip));
    const config = { archivePath: zip, pageSize: 500 };
    const first = await timed(() => drain(linkedinExportConnector, config, undefined, { n: 0 }));
    report(
      `linkedin-export: ${fmt(shares)} posts/comments + ${fmt(messages)} messages (zip)`,
      first,
      base,
      'CSV rows parsed',
    );
    // a newer archive: 1 % of the messages new, 1 % gone
    const k = Math.max(1, Math.round(messages / 100));
    for (let i = 0; i < k; i++) spec.rows['messages.csv'].push(a.messageRow(messages + i));
    spec.rows['messages.csv'].splice(0, k);
    a.writeExport(zip, spec);
    const next = await timed(() => drain(linkedinExportConnector, config, undefined, { n: 0 }, first.result));
    printTable('linkedin-export: a newer archive (1 % new, 1 % deleted)', [
      ['yielded / deleted', `${fmt(next.result.items)} / ${fmt(next.result.deletes)} in ${fmt(next.seconds, 2)} s`],
      ['vs first import', `${fmt(next.seconds / first.seconds, 2)} × its time`],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawJson(url: string, init?: RequestInit): Promise<any> {
  return (await fetch(url, init)).json();
}

async function benchYoutube(): Promise<void> {
  const y = await loadTestModule('test/twins/youtube/index.ts');
  const n = Number(process.env.BENCH_YOUTUBE_VIDEOS ?? 500);
  const seed = y.seedYoutube(n);
  seed.state.dailyQuota = 1e9;
  const twin = await y.startYoutubeTwin(seed.state, { record: false });
  try {
    // Raw: the same playlist pages, videos.list batches, player and timedtext calls with plain fetch, no mapping.
    const base = await timed(async () => {
      let count = 0;
      let token: string | undefined;
      const key = `key=${y.TWIN_API_KEY}`;
      do {
        const page = await rawJson(
          `${twin.url}/youtube/v3/playlistItems?playlistId=UU${y.TWIN_CHANNEL.slice(2)}&maxResults=50&${key}${token ? `&pageToken=${token}` : ''}`,
        );
        const ids = page.items.map((i: any) => i.contentDetails.videoId);
        await rawJson(`${twin.url}/youtube/v3/videos?id=${ids.join(',')}&${key}`);
        for (const id of ids) {
          const p = await rawJson(`${twin.url}/youtubei/v1/player`, {
            method: 'POST',
            body: JSON.stringify({ videoId: id }),
            headers: { 'content-type': 'application/json' },
          });
          await (await fetch(p.captions.playerCaptionsTracklistRenderer.captionTracks[0].baseUrl)).text();
          count++;
        }
        token = page.nextPageToken;
      } while (token);
      return count;
    });
    const calls = { n: 0 };
    const run = await timed(() =>
      drain(
        youtubeConnector,
        { channelId: y.TWIN_CHANNEL, rootUrl: twin.rootUrl, webUrl: twin.url, dailyQuotaUnits: 1e7 },
        { kind: 'token', token: y.TWIN_API_KEY },
        calls,
      ),
    );
    report(`youtube: ${fmt(n)} videos with public transcripts`, run, base, 'videos fetched (same calls)', calls.n);
  } finally {
    await twin.close();
  }
}

async function benchFathom(): Promise<void> {
  const f = await loadTestModule('test/twins/fathom/index.ts');
  const n = Number(process.env.BENCH_FATHOM_MEETINGS ?? 1000);
  const twin = await f.startFathomTwin(f.seedFathom(n), { record: false });
  try {
    const base = await timed(async () => {
      let count = 0;
      let cursor: string | null = null;
      do {
        const q = `include_transcript=true&include_summary=true&include_action_items=true${cursor ? `&cursor=${cursor}` : ''}`;
        const page: any = await rawJson(`${twin.baseUrl}/meetings?${q}`, { headers: { 'x-api-key': f.FATHOM_KEY } });
        count += page.items.length;
        cursor = page.next_cursor;
      } while (cursor);
      return count;
    });
    const calls = { n: 0 };
    const run = await timed(() =>
      drain(fathomConnector, { baseUrl: twin.baseUrl }, { kind: 'token', token: f.FATHOM_KEY }, calls),
    );
    report(
      `fathom: ${fmt(n)} meetings with transcripts, summaries and action items`,
      run,
      base,
      'meetings listed (same pages)',
      calls.n,
    );
  } finally {
    await twin.close();
  }
}

/**
 * `voices` phase (issue #21's sizes): a LinkedIn archive of BENCH_LINKEDIN_POSTS posts/comments (default 5,000) and
 * BENCH_LINKEDIN_MESSAGES messages (default 20,000), then a newer archive; BENCH_YOUTUBE_VIDEOS videos with
 * transcripts (default 500) and BENCH_FATHOM_MEETINGS meetings (default 1,000) from their twins — each against a
 * raw read of the same data measured in the same run.
 */
export async function benchVoicesPhase(): Promise<void> {
  await benchLinkedin();
  await benchYoutube();
  await benchFathom();
}
