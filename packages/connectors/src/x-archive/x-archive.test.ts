import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { applyPages, collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import type { Page } from '@tributary/sdk';
import { xArchiveConnector } from './index.js';
import { X_ARCHIVE, edit, readTweetsJs, tweet, writeTweetsJs } from './test-data.js';

async function read(config: Record<string, unknown>, checkpoint?: unknown): Promise<Page[]> {
  return collectPages(
    xArchiveConnector,
    createTestContext(xArchiveConnector, { config, ...(checkpoint ? { checkpoint } : {}) }),
  );
}

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempArchive(entries: unknown[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'x-archive-unit-'));
  temps.push(dir);
  mkdirSync(path.join(dir, 'data'));
  writeTweetsJs(path.join(dir, 'data', 'tweets.js'), entries);
  writeFileSync(
    path.join(dir, 'data', 'manifest.js'),
    'window.__THAR_CONFIG = ' + JSON.stringify({ userInfo: { userName: 'ada', displayName: 'Ada' } }),
  );
  return dir;
}

describe('x-archive on the real archive of @milahu104', () => {
  it('turns its 2,045 tweets into 2,045 memories (no edits to fold in this archive)', async () => {
    const raw = readTweetsJs(path.join(X_ARCHIVE, 'data', 'tweets.js'));
    expect(raw).toHaveLength(2045);
    // Every tweet carries edit_info.initial (it is its own first version); none is an edit of another.
    expect(raw.filter((e) => e.tweet.edit_info?.edit).length).toBe(0);
    const pages = await read({ path: X_ARCHIVE });
    const items = pages.flatMap((p) => p.items ?? []);
    expect(pages.flatMap((p) => p.errors ?? [])).toEqual([]);
    expect(items).toHaveLength(2045);
    expect(applyPages(new Map(), pages).size).toBe(2045);
    expect(new Set(items.map((i) => i.externalId))).toEqual(new Set(raw.map((e) => e.tweet.id_str)));
  });

  it('expands t.co links, names mentions and sets author, url and time', async () => {
    const items = (await read({ path: X_ARCHIVE })).flatMap((p) => p.items ?? []);
    const t = items.find((i) => i.externalId === '2029905358261502168')!;
    expect(t.content).toBe('@SamaHoole (Sama Hoole) https://x.com/milahu104/status/2027739112069878026');
    expect(t.author).toBe('Milan Hauth (@milahu104)');
    expect(t.url).toBe('https://x.com/milahu104/status/2029905358261502168');
    expect(t.occurredAt).toBe('2026-03-06T13:02:05.000Z');
    // Only links cut off by a retweet's truncation ("https://t.co/NC…") have no entity to expand.
    const unexpanded = items.filter((i) => /https:\/\/t\.co\/\w+(?![\w…])/.test(i.content));
    expect(unexpanded.map((i) => i.externalId)).toEqual([]);
    expect(
      items.filter((i) => /https:\/\/t\.co\/\w+…/.test(i.content)).every((i) => i.metadata?.retweet === true),
    ).toBe(true);
  });

  it('groups a 12-tweet reply chain into one thread named after the outside tweet it answers', async () => {
    const items = new Map(
      (await read({ path: X_ARCHIVE })).flatMap((p) => p.items ?? []).map((i) => [i.externalId, i]),
    );
    const chain = [
      '2023041753897738313',
      '2023041839323115914',
      '2023041892968247523',
      '2023041953194287198',
      '2023042002217320926',
      '2023042064934711521',
      '2023042107167150267',
      '2023042242282447175',
      '2023042292198879741',
      '2023042404006392020',
      '2023042470280626395',
      '2023042499946983789',
    ];
    for (const id of chain) expect(items.get(id)?.thread, id).toBe('2023031412182430019');
  });
});

describe('x-archive edits, threads and incremental reads', () => {
  const base = [
    tweet('100', 'root post'),
    tweet('200', '@ada reply one', { in_reply_to_status_id_str: '100' }),
    tweet('300', 'first version https://t.co/x', {
      entities: { urls: [{ url: 'https://t.co/x', expanded_url: 'https://example.org/' }] },
    }),
    edit('400', '300', 'second version', ['300', '400', '500']),
    tweet('450', 'reply to the edited one', { in_reply_to_status_id_str: '400' }),
    edit('500', '300', 'third version &amp; final', ['300', '400', '500']),
  ];

  it('folds edits into one memory whose latest edit wins, each version in its own page, newest last', async () => {
    const pages = await read({ path: tempArchive(base) });
    const versions = pages.flatMap((p, n) =>
      (p.items ?? []).filter((i) => i.externalId === '300').map((i) => ({ n, content: i.content })),
    );
    expect(versions.map((v) => v.content)).toEqual([
      'first version https://example.org/',
      'second version',
      'third version & final',
    ]);
    expect(new Set(versions.map((v) => v.n)).size).toBe(3);
    const state = applyPages(new Map(), pages);
    expect([...state.keys()].sort()).toEqual(['100', '200', '300', '450']);
    expect(state.get('300')!.item.content).toBe('third version & final');
    expect(state.get('200')!.item.thread).toBe('100');
    expect(state.get('100')!.item.thread).toBe('100');
    // A reply to an edit belongs to the thread of the edited tweet's initial id.
    expect(state.get('450')!.item.thread).toBe('300');
  });

  it('reads a zip the same as a folder', async () => {
    const dir = tempArchive(base);
    const zip = path.join(dir, 'archive.zip');
    const js = 'window.YTD.tweets.part0 = ' + JSON.stringify(base);
    writeFileSync(
      zip,
      zipSync({
        'data/tweets.js': strToU8(js),
        'data/manifest.js': strToU8('window.__THAR_CONFIG = {"userInfo":{"userName":"ada","displayName":"Ada"}}'),
      }),
    );
    const fromZip = (await read({ path: zip })).flatMap((p) => p.items ?? []);
    const fromDir = (await read({ path: dir })).flatMap((p) => p.items ?? []);
    expect(fromZip).toEqual(fromDir);
  });

  it('yields only tweets and edits newer than the checkpoint', async () => {
    const dir = tempArchive(base);
    const first = await read({ path: dir });
    const checkpoint = first.at(-1)!.checkpoint;
    expect(checkpoint).toEqual({ lastId: '500' });
    writeTweetsJs(path.join(dir, 'data', 'tweets.js'), [
      ...base,
      edit('600', '100', 'root post, edited', ['100', '600']),
      tweet('700', 'new'),
    ]);
    const inc = (await read({ path: dir }, checkpoint)).flatMap((p) => p.items ?? []);
    expect(inc.map((i) => [i.externalId, i.content])).toEqual([
      ['100', 'root post, edited'],
      ['700', 'new'],
    ]);
    expect(await read({ path: dir }, { lastId: '700' })).toEqual([]);
  });

  it('reports entries that are not tweets and fails check() on a folder without tweets', async () => {
    const dir = tempArchive([...base, { tweet: { full_text: 'no id' } }]);
    const pages = await read({ path: dir });
    expect(pages.flatMap((p) => p.errors ?? [])).toEqual([
      { message: expect.stringContaining('entry #7 is not a tweet') },
    ]);
    const empty = mkdtempSync(path.join(os.tmpdir(), 'x-archive-empty-'));
    temps.push(empty);
    const res = await xArchiveConnector.check(createConnectorContext(xArchiveConnector, { config: { path: empty } }));
    expect(res).toEqual({ ok: false, message: expect.stringContaining('is not an X archive') });
  });
});
