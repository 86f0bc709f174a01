import { type Checkpoint, type Clock, type MemoryConnectorState } from '@tributary/sdk';
import { createTestContext, syncRun } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  csdlDeltaOfDriveItem,
  graphProblems,
  seedGraphDrive,
  startGraphTwin,
  throttled,
  type GraphTwin,
} from '../../../../test/twins/msgraph/index.js';
import { makeDocx, makePdf } from '../files/test-support/documents.js';
import { onedriveConnector } from './index.js';
import { makePptx, makeXlsx } from './test-support/office.js';

const TOKEN = { kind: 'oauth2', accessToken: 'eyJ0eXAi.twin-token' } as const;
let twin: GraphTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

type RunItem = {
  externalId: string;
  content: string;
  title?: string;
  url?: string;
  author?: string;
  container?: string;
  metadata?: Record<string, unknown>;
};
interface Run {
  items: Map<string, RunItem>;
  deletes: string[];
  errors: string[];
  state: MemoryConnectorState;
  checkpoint: Checkpoint | undefined;
  apiCalls: number;
  rateLimitWaitMs: number;
}

async function sync(
  config: Record<string, unknown>,
  from?: Run,
  opts: { clock?: Clock; maxPages?: number; credentials?: typeof TOKEN } = {},
): Promise<Run> {
  const run = await syncRun(
    onedriveConnector,
    {
      config: { baseUrl: twin!.baseUrl, ...config },
      credentials: opts.credentials ?? TOKEN,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.maxPages ? { maxPages: opts.maxPages } : {}),
    },
    from,
  );
  return run as unknown as Run;
}

function instantClock(): Clock {
  let t = Date.UTC(2026, 5, 1);
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

/** Every answer the twin gave so far conforms to Graph's descriptions. */
function expectSpecValid(): void {
  const problems = twin!.exchanges.flatMap((e) => graphProblems(e));
  expect(problems.slice(0, 10)).toEqual([]);
}

describe('onedrive at scale', () => {
  it('reads 2,000 files in 100 folders exactly, resumes after a crash, syncs 100 changes touching only those', async () => {
    const seed = seedGraphDrive({ folders: 100, files: 2000 });
    twin = await startGraphTwin(seed.state, { record: false });
    const cfg = { pageSize: 200, concurrency: 8 };
    // A crash after page 2 of the first round, then a resume: together every file exactly once.
    const first = await sync(cfg, undefined, { maxPages: 2 });
    const full = await sync(cfg, first);
    const all = [...first.items.values(), ...full.items.values()];
    expect(first.items.size + full.items.size).toBe(2000);
    expect(new Set(all.map((i) => i.externalId)).size).toBe(2000);
    expect(all.find((i) => i.externalId === seed.files[19]!.id)!.container).toBe('Folder 18/Folder 19');
    expect(all.find((i) => i.externalId === seed.files[19]!.id)!.metadata!.path).toBe(
      `Folder 18/Folder 19/${seed.files[19]!.name}`,
    );

    const s = seed.state;
    const added = Array.from(
      { length: 30 },
      (_, i) => s.addFile(`added-${i}.txt`, `added ${i}`, { parentId: seed.folders[i]!.id, mimeType: 'text/plain' }).id,
    );
    const edited = seed.files.slice(100, 140).map((f) => s.edit(f.id, `edited ${f.name}`).id);
    const removed = seed.files.slice(300, 330).map((f) => (s.remove(f.id), f.id));
    const inc = await sync({ pageSize: 200 }, full);
    expect([...inc.items.keys()].sort()).toEqual([...added, ...edited].sort());
    expect(inc.deletes.sort()).toEqual([...removed].sort());
    // One delta page (100 changes < 200) + one download per added or edited file; nothing else.
    expect(inc.apiCalls).toBe(1 + 70);
    console.log(
      `onedrive incremental: 100 changes in ${inc.apiCalls} calls (${(inc.apiCalls / 100).toFixed(2)} per change)`,
    );
    const again = await sync({ pageSize: 200 }, inc);
    expect(again.items.size + again.deletes.length).toBe(0);
    expect(again.apiCalls).toBe(1);
  });
});

describe('onedrive sync semantics', () => {
  it('extracts PDF, DOCX, XLSX, PPTX, HTML and code; skips files over maxFileMb; web URL, path and last modifier kept', async () => {
    const seed = seedGraphDrive({ folders: 2, files: 8 });
    const s = seed.state;
    const at = { parentId: seed.folders[1]!.id };
    const by = { displayName: 'Adele Vance', id: '87d349ed-44d7-43e1-9a83-5f2406dee5bd' };
    const pdf = s.addFile('report.pdf', makePdf(['Quarterly report on seagulls']), {
      ...at,
      mimeType: 'application/pdf',
      by,
    });
    const docx = s.addFile('letter.docx', makeDocx(['Dear committee, the pelicans are back.']), at);
    const xlsx = s.addFile(
      'budget.xlsx',
      makeXlsx([
        ['item', 'cost'],
        ['albatross feed', 120],
      ]),
      at,
    );
    const pptx = s.addFile('launch.pptx', makePptx([['Launch plan', 'Cormorant beta'], ['Questions?']]), at);
    const big = s.addFile('huge.txt', Buffer.alloc(2 * 1024 * 1024, 'a'), { mimeType: 'text/plain' });
    const photo = s.addFile('photo.jpg', Buffer.from([0xff, 0xd8, 0xff]), { mimeType: 'image/jpeg' });
    twin = await startGraphTwin(s);
    const run = await sync({ maxFileMb: 1 });
    expect(run.items.get(pdf.id)!.content).toContain('Quarterly report on seagulls');
    expect(run.items.get(docx.id)!.content).toContain('the pelicans are back');
    expect(run.items.get(xlsx.id)!.content).toBe('item\tcost\nalbatross feed\t120');
    expect(run.items.get(pptx.id)!.content).toBe('Launch plan\nCormorant beta\n\nQuestions?');
    expect(run.items.get(seed.files[3]!.id)!.content).toContain('# Widget 3');
    expect(run.items.get(seed.files[2]!.id)).toMatchObject({ content: expect.stringContaining('widget2 = 2') });
    expect(run.items.has(big.id)).toBe(false);
    expect(run.items.has(photo.id)).toBe(false);
    expect(run.errors.some((e) => e.includes('huge.txt') && e.includes('maxFileMb'))).toBe(true);
    expect(run.items.get(pdf.id)).toMatchObject({
      url: 'https://contoso-my.sharepoint.com/personal/megan_contoso_com/Documents/Folder%201/report.pdf',
      author: 'Adele Vance',
      container: 'Folder 1',
      metadata: expect.objectContaining({ path: 'Folder 1/report.pdf', lastModifiedBy: 'Adele Vance' }),
    });
    // Downloads went to the pre-authenticated URL (no bearer token needed there), not through /content.
    expect(twin.counts()['download']).toBe(12);
    expect(twin.counts()['driveItem.content'] ?? 0).toBe(0);
    expectSpecValid();
    expect(csdlDeltaOfDriveItem()).toBe(true);
  });

  it('folders include/exclude by path or id; a folder moved out of the selection takes its files with it', async () => {
    const seed = seedGraphDrive({ folders: 10, files: 40 });
    const s = seed.state;
    twin = await startGraphTwin(s);
    // Folder 9 is nested in Folder 8.
    const under = (i: number) => seed.files.filter((_, n) => n % 10 === i).map((f) => f.id);
    const run = await sync({ folders: { include: ['Folder 8', seed.folders[2]!.id], exclude: ['folder 8/folder 9'] } });
    expect([...run.items.keys()].sort()).toEqual([...under(8), ...under(2)].sort());

    s.move(seed.folders[2]!.id, { parentId: seed.folders[9]!.id });
    const moved = await sync(
      { folders: { include: ['Folder 8', seed.folders[2]!.id], exclude: ['Folder 8/Folder 9'] } },
      run,
    );
    // Folder 2 now sits inside the excluded Folder 9: its files leave in a re-sync round, nothing is re-downloaded.
    expect(moved.deletes.sort()).toEqual(under(2).sort());
    expect(moved.items.size).toBe(0);
    expect(twin.counts()['download']).toBe(8);
    expectSpecValid();
  });

  it('410 Gone → a clean re-sync: what vanished meanwhile is tombstoned, unchanged files are not downloaded again', async () => {
    const seed = seedGraphDrive({ folders: 3, files: 30 });
    const s = seed.state;
    twin = await startGraphTwin(s);
    const full = await sync({ pageSize: 10 });
    expect(full.items.size).toBe(30);
    s.remove(seed.files[0]!.id);
    s.remove(seed.folders[1]!.id); // a folder with 10 files
    s.edit(seed.files[2]!.id, 'Note 2, rewritten.');
    s.expireDeltaLinks();
    twin.resetCounts();
    const re = await sync({ pageSize: 10 }, full);
    expect(twin.exchanges.find((e) => e.route === 'driveItem.delta')!.status).toBe(410);
    const gone = [seed.files[0]!.id, ...seed.files.filter((_, i) => i % 3 === 1).map((f) => f.id)];
    expect(re.deletes.sort()).toEqual([...new Set(gone)].sort());
    expect([...re.items.keys()]).toEqual([seed.files[2]!.id]);
    expect(twin.counts()['download']).toBe(1);
    // Back to following changes from the new delta link.
    const next = await sync({ pageSize: 10 }, re);
    expect(next.items.size + next.deletes.length).toBe(0);
    expectSpecValid();
  });

  it('waits out 429 and 503 with Retry-After and refreshes an expired token once', async () => {
    const seed = seedGraphDrive({ folders: 1, files: 12 });
    twin = await startGraphTwin(seed.state);
    const t429 = throttled(7);
    const t503 = throttled(3, 503);
    twin.faults.inject({ route: 'driveItem.delta', times: 2, status: 429, headers: t429.headers!, body: t429.body });
    twin.faults.inject({ route: 'download', times: 1, status: 503, headers: t503.headers!, body: t503.body });
    const run = await sync({}, undefined, { clock: instantClock() });
    expect(run.items.size).toBe(12);
    expect(run.rateLimitWaitMs).toBeGreaterThanOrEqual(2 * 7_000);
    expectSpecValid();

    // An expired token: Graph's 401 body; a refresh that yields the same token ends in auth_invalid.
    seed.state.tokens.set(TOKEN.accessToken, 'expired');
    await expect(sync({}, run)).rejects.toMatchObject({ code: 'auth_invalid' });
    const res = await fetch(`${twin.baseUrl}/me/drive/root/delta`, {
      headers: { authorization: `Bearer ${TOKEN.accessToken}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('downloads through /content (302 to the download host) when an item carries no downloadUrl', async () => {
    const seed = seedGraphDrive({ folders: 1, files: 5 });
    twin = await startGraphTwin(seed.state, { downloadUrls: false });
    const run = await sync({});
    expect(run.items.size).toBe(5);
    expect(run.items.get(seed.files[0]!.id)!.content).toBe('Note 0 about widget 0.\n');
    expect(twin.counts()['driveItem.content']).toBe(5);
    expect(twin.counts()['download']).toBe(5);
    expectSpecValid();
  });

  it('discover offers the folders of the first two levels as paths the config takes', async () => {
    const seed = seedGraphDrive({ folders: 10, files: 4 });
    twin = await startGraphTwin(seed.state);
    const ctx = createTestContext(onedriveConnector, { config: { baseUrl: twin.baseUrl }, credentials: TOKEN });
    const found = await onedriveConnector.discover!(ctx);
    // Folder 9 sits inside Folder 8.
    expect(found.map((f) => f.id)).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `Folder ${i}`),
      'Folder 8/Folder 9',
    ]);
    expect(found.at(-1)).toMatchObject({ kind: 'folder', metadata: { itemId: seed.folders[9]!.id } });
    expectSpecValid();
  });

  it('never follows a delta link to another host: the token stays home and the drive is read again from its root', async () => {
    const seed = seedGraphDrive({ folders: 1, files: 2 });
    twin = await startGraphTwin(seed.state);
    const run = await sync({});
    const cp = {
      ...(run.checkpoint as Record<string, unknown>),
      link: 'https://evil.example/v1.0/me/drive/root/delta?token=x',
    };
    twin.resetCounts();
    const re = await sync({}, { ...run, checkpoint: cp });
    expect(re.checkpoint).toMatchObject({ gen: 2, link: expect.stringMatching(new RegExp(`^${twin.baseUrl}/`)) });
    expect(re.items.size + re.deletes.length).toBe(0);
    // One delta round from the root, no download (nothing changed).
    expect(twin.counts()).toEqual({ 'driveItem.delta': 1 });
  });
});
