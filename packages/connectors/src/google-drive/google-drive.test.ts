import { type Clock } from '@tributary/sdk';
import { createConnectorContext, syncRun, type SyncRun } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadDiscovery,
  rateLimitExceeded,
  seedDrive,
  startDriveTwin,
  userRateLimitExceeded,
  GSHEET,
  GSLIDES,
  type DriveTwin,
} from '../../../../test/twins/google/index.js';
import { makeDocx, makePdf } from '../files/test-support/documents.js';
import { googleDriveConnector } from './index.js';

const TOKEN = { kind: 'oauth2', accessToken: 'ya29.twin-token' } as const;
let twin: DriveTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

type Run = SyncRun;

const sync = (config: Record<string, unknown>, from?: Run, opts: { clock?: Clock; maxPages?: number } = {}) =>
  syncRun(googleDriveConnector, { config: { rootUrl: twin!.rootUrl, ...config }, credentials: TOKEN, ...opts }, from);

function instantClock(): Clock {
  let t = Date.UTC(2026, 5, 1);
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

describe('google drive at scale', () => {
  it('reads 2,000 files in 50 folders (200 Google Docs) exactly, resumes after a crash, syncs 100 changes at ≤ 1.3 calls each', async () => {
    const seed = seedDrive({ folders: 50, files: 2000, docEvery: 10 });
    twin = await startDriveTwin(seed.state, { record: false });
    // A crash after page 2 of the first read, then a resume: together every file exactly once.
    const first = await sync({ pageSize: 500, concurrency: 8 }, undefined, { maxPages: 2 });
    const full = await sync({ pageSize: 500, concurrency: 8 }, first);
    const all = [...first.items.values(), ...full.items.values()];
    expect(first.items.size + full.items.size).toBe(2000);
    expect(new Set(all.map((i) => i.externalId)).size).toBe(2000);
    expect(all.filter((i) => i.metadata?.mimeType === 'application/vnd.google-apps.document')).toHaveLength(200);
    expect(all.find((i) => i.externalId === seed.files[19]!.id)!.container).toBe('Folder 18/Folder 19');

    const s = seed.state;
    const added = Array.from(
      { length: 30 },
      (_, i) => s.add({ name: `added-${i}.txt`, mimeType: 'text/plain', content: `added ${i}` }).id,
    );
    const edited = seed.files
      .slice(100, 140)
      .map(
        (f) =>
          s.edit(f.id, f.exports ? { exports: { ...f.exports, 'text/markdown': 'edited doc' } } : { content: 'edited' })
            .id,
      );
    const trashed = seed.files.slice(200, 215).map((f) => (s.trash(f.id), f.id));
    const removed = seed.files.slice(300, 315).map((f) => (s.remove(f.id), f.id));
    const inc = await sync({ pageSize: 500 }, full);
    expect([...inc.items.keys()].sort()).toEqual([...added, ...edited].sort());
    expect(inc.deletes.sort()).toEqual([...trashed, ...removed].sort());
    // folders listing + changes.list + one export/download per added or edited file.
    expect(inc.apiCalls).toBe(2 + 70);
    expect(inc.apiCalls / 100).toBeLessThanOrEqual(1.3);
  });
});

describe('google drive sync semantics', () => {
  it('extracts PDF and DOCX, skips files over maxFileMb, exports Sheets as CSV and Slides as text', async () => {
    const seed = seedDrive({ folders: 1, files: 12 });
    const s = seed.state;
    const pdf = s.add({
      name: 'report.pdf',
      mimeType: 'application/pdf',
      content: makePdf(['Quarterly report on seagulls']),
    });
    const docx = s.add({
      name: 'letter.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      content: makeDocx(['Dear committee, the pelicans are back.']),
    });
    const big = s.add({ name: 'huge.txt', mimeType: 'text/plain', content: Buffer.alloc(2 * 1024 * 1024, 'a') });
    s.add({ name: 'photo.jpg', mimeType: 'image/jpeg', content: Buffer.from([0xff, 0xd8, 0xff]) });
    s.add({ name: 'Budget', mimeType: GSHEET, exports: { 'text/csv': 'item,cost\nwidget,10' } });
    s.add({ name: 'Deck', mimeType: GSLIDES, exports: { 'text/plain': 'Slide 1: launch' } });
    twin = await startDriveTwin(s);
    const run = await sync({ maxFileMb: 1 });
    expect(run.items.get(pdf.id)!.content).toContain('Quarterly report on seagulls');
    expect(run.items.get(docx.id)!.content).toContain('the pelicans are back');
    expect(run.items.has(big.id)).toBe(false);
    expect(run.errors.some((e) => e.includes('huge.txt') && e.includes('maxFileMb'))).toBe(true);
    const sheet = [...run.items.values()].find((i) => i.title?.startsWith('Budget'));
    const deck = [...run.items.values()].find((i) => i.title?.startsWith('Deck'));
    expect(sheet?.content).toMatch(/^item,cost\n/);
    expect(deck?.content).toContain('Slide 1');
    expect(run.items.get(seed.files[0]!.id)).toMatchObject({
      contentType: 'markdown',
      content: expect.stringContaining('# Design doc 0'),
    });
    // The photo is neither exported nor extractable: not an item, not an error.
    expect([...run.items.values()].some((i) => i.title === 'photo.jpg')).toBe(false);
  });

  it('keeps to the selected folders (subtrees) and to My Drive when shared drives are off', async () => {
    const seed = seedDrive({ folders: 20, files: 100, shared: 4 });
    twin = await startDriveTwin(seed.state);
    const all = await sync({});
    expect(all.items.size).toBe(104);
    const mine = await sync({ sharedDrives: false });
    expect(mine.items.size).toBe(100);
    // Every 10th folder is nested in the previous one (Folder 9 inside Folder 8): including 8 includes its subtree.
    const only = await sync({ folders: { include: ['Folder 8'] } });
    const inFolder = (n: number) => seed.files.filter((f) => f.parents[0] === seed.folders[n]!.id).map((f) => f.id);
    expect([...only.items.keys()].sort()).toEqual([...inFolder(8), ...inFolder(9)].sort());
    const but = await sync({ folders: { exclude: [seed.folders[8]!.id] } });
    expect(but.items.size).toBe(104 - inFolder(8).length - inFolder(9).length);
    // A file moved out of the selection leaves it.
    const moved = inFolder(9)[0]!;
    seed.state.edit(moved, { parent: seed.folders[0]!.id });
    const after = await sync({ folders: { include: ['Folder 8'] } }, only);
    expect(after.deletes).toEqual([moved]);
    await expect(sync({ folders: { include: ['Nope'] } })).rejects.toThrow(/no folder "Nope"/);
  });

  it('lists again when the change token is refused, tombstoning what went away meanwhile', async () => {
    const seed = seedDrive({ folders: 3, files: 30 });
    twin = await startDriveTwin(seed.state);
    const full = await sync({ pageSize: 10 });
    const gone = seed.files[5]!;
    seed.state.files.delete(gone.id); // gone without a change record
    seed.state.expireChangeTokens();
    const after = await sync({ pageSize: 10 }, full);
    expect(after.deletes).toEqual([gone.id]);
    expect(after.items.size).toBe(29);
    expect(after.checkpoint).toMatchObject({ phase: 'changes', gen: 2 });
    const quiet = await sync({ pageSize: 10 }, after);
    expect(quiet.items.size + quiet.deletes.length).toBe(0);
  });

  it('ends a 429 / 403 storm with the same data as a clean run', async () => {
    const seed = seedDrive({ folders: 3, files: 60 });
    twin = await startDriveTwin(seed.state);
    const clean = await sync({ pageSize: 20 });
    twin.faults.inject({ route: /drive\.files\.(get|export)/, every: 3, ...userRateLimitExceeded() });
    twin.faults.inject({ route: 'drive.files.list', every: 2, ...rateLimitExceeded() });
    const stormy = await sync({ pageSize: 20 }, undefined, { clock: instantClock() });
    expect([...stormy.items.entries()].sort()).toEqual([...clean.items.entries()].sort());
    expect(stormy.rateLimitWaitMs).toBeGreaterThan(0);
  });

  it('answers with responses that validate against the Drive Discovery document', async () => {
    const seed = seedDrive({ folders: 2, files: 12, shared: 2 });
    twin = await startDriveTwin(seed.state);
    const push = {
      address: 'https://tributary.example/api/v1/webhooks/google-drive',
      token: 'drive-push-token-0123456',
    };
    const full = await sync({ pageSize: 5, push });
    seed.state.trash(seed.files[1]!.id);
    seed.state.remove(seed.files[2]!.id);
    await sync({ pageSize: 5, push }, full);
    const discovery = loadDiscovery('drive-v3.json');
    const json = twin.exchanges.filter(
      (x) => x.status < 300 && !['drive.files.export', 'drive.files.get'].includes(x.route),
    );
    expect(new Set(json.map((x) => x.route))).toEqual(
      new Set(['drive.files.list', 'drive.changes.getStartPageToken', 'drive.changes.list', 'drive.changes.watch']),
    );
    expect(json.map((x) => [x.route, discovery.validate(x.route, x.body)]).filter(([, p]) => p!.length)).toEqual([]);
  });

  it('verifies push notifications by X-Goog-Channel-Token, acknowledges sync messages, refuses forged and expired ones', async () => {
    const seed = seedDrive({ folders: 1, files: 3 });
    twin = await startDriveTwin(seed.state);
    const push = {
      address: 'https://tributary.example/api/v1/webhooks/google-drive',
      token: 'drive-push-token-0123456',
    };
    await sync({ push });
    const channelId = [...twin.channels.keys()][0]!;
    const ctx = (config: Record<string, unknown> = { push }) =>
      createConnectorContext(googleDriveConnector, { config, credentials: TOKEN });
    const deliver = (headers: Record<string, string>, config?: Record<string, unknown>) =>
      googleDriveConnector.webhook!(ctx(config), { method: 'POST', headers, rawBody: '', query: {} });
    expect((await deliver(twin.notification(channelId, 'sync'))).sync).toBeUndefined();
    const headers = twin.notification(channelId);
    expect((await deliver(headers)).sync).toEqual({
      hints: { eventId: `${channelId}:${headers['x-goog-message-number']}` },
    });
    for (const [h, config] of [
      [{ ...headers, 'x-goog-channel-token': 'drive-push-token-XXXXXXX' }, undefined],
      [{ ...headers, 'x-goog-channel-expiration': new Date(Date.now() - 1000).toUTCString() }, undefined],
      [headers, {}],
    ] as const) {
      const out = await deliver(h, config);
      expect(out.matched).toBe(false);
      expect(out.response.status).toBe(401);
    }
  });
});
