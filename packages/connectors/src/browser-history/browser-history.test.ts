import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../mail/test-support/temp.js';
import { testdata } from '../mail/test-support/testdata.js';
import { browserHistoryConnector } from './index.js';
import { defaultHistoryPath, pickFirefoxProfile } from './locations.js';
import { domainAllowed } from './map.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

/**
 * Opens a private copy of a test database: even a read-only open of a WAL database creates -wal/-shm files next to
 * it, and the shared test data must stay untouched.
 */
function openCopy(file: string): { db: Database.Database; close(): void } {
  const tmp = makeTempDir('history-src');
  const copy = path.join(tmp.dir, 'db.sqlite');
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  return { db, close: () => (db.close(), tmp.cleanup()) };
}

/** What counts as an item in each kind of database, counted straight from (a copy of) the source file. */
function sourceCount(file: string): number {
  const { db, close } = openCopy(file);
  try {
    const tables = new Set(
      (db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as any[]).map((r) => r.name),
    );
    const sql = tables.has('urls')
      ? 'SELECT COUNT(*) AS c FROM urls'
      : tables.has('moz_places')
        ? 'SELECT COUNT(*) AS c FROM moz_places WHERE id IN (SELECT place_id FROM moz_historyvisits)'
        : tables.has('moz_downloads')
          ? 'SELECT COUNT(*) AS c FROM moz_downloads'
          : 'SELECT COUNT(*) AS c FROM history_items';
    return (db.prepare(sql).get() as { c: number }).c;
  } finally {
    close();
  }
}

async function sync(config: Record<string, unknown>, checkpoint?: unknown, features?: Record<string, boolean>) {
  const pages = await collectPages(
    browserHistoryConnector,
    createTestContext(browserHistoryConnector, { config, checkpoint, features }),
  );
  return { items: pages.flatMap((p) => p.items ?? []), checkpoint: pages.at(-1)!.checkpoint };
}

const files = ['chrome', 'firefox', 'safari'].flatMap((dir) =>
  readdirSync(testdata('browser', dir))
    .filter((f) => !/-(wal|shm|journal)$/.test(f))
    .map((f) => testdata('browser', dir, f)),
);

describe('browser-history on every test database', () => {
  it.each(files)('%s: item count equals the source rows, and a second sync adds nothing', async (file) => {
    const tmp = makeTempDir('history');
    cleanup = tmp.cleanup;
    const copy = path.join(tmp.dir, path.basename(file));
    copyFileSync(file, copy);
    const first = await sync({ path: copy, pageSize: 7 });
    expect(first.items.length).toBe(sourceCount(file));
    expect(first.items.length).toBeGreaterThan(0);
    expect(new Set(first.items.map((i) => i.externalId)).size).toBe(first.items.length);
    const second = await sync({ path: copy, pageSize: 7 }, first.checkpoint);
    expect(second.items).toEqual([]);
  });

  it('converts each browser epoch', async () => {
    const chrome = await sync({ path: testdata('browser/chrome/grr-History') });
    const ubuntu = chrome.items.find((i) => i.url === 'http://start.ubuntu.com/10.04/Google/')!;
    // urls.last_visit_time 12946651391000000 µs since 1601-01-01.
    expect(ubuntu.occurredAt).toBe(new Date(Date.UTC(1601, 0, 1) + 12946651391000).toISOString());
    const firefox = await sync({ path: testdata('browser/firefox/grr-places.sqlite') });
    expect(firefox.items[0]!.metadata).toMatchObject({ lastVisit: new Date(1309518981371).toISOString() });
    const safari = await sync({ path: testdata('browser/safari/plaso-History.db') });
    const start = safari.items.find((i) => i.url === 'http://start.ubuntu.com/current/Google/?sourceid=hp')!;
    expect(start.title).toBe('Ubuntu Start Page');
    expect(start.occurredAt).toBe(new Date(Date.UTC(2001, 0, 1) + 531955414791.503).toISOString());
  });

  it('yields one item per visit with feature visits', async () => {
    const { items } = await sync({ path: testdata('browser/chrome/grr-History') }, undefined, { visits: true });
    const { db, close } = openCopy(testdata('browser/chrome/grr-History'));
    const visits = (db.prepare('SELECT COUNT(*) AS c FROM visits').get() as { c: number }).c;
    close();
    expect(items).toHaveLength(visits);
    expect(items.every((i) => i.stream === 'visits')).toBe(true);
  });

  it('filters domains', async () => {
    expect(domainAllowed('https://www.example.com/a', [], ['example.com'])).toBe(false);
    expect(domainAllowed('https://mail.example.com/a', ['example.com'], [])).toBe(true);
    expect(domainAllowed('https://example.org/a', ['example.com'], [])).toBe(false);
    const all = await sync({ path: testdata('browser/chrome/grr-History') });
    const some = await sync({ path: testdata('browser/chrome/grr-History'), excludeDomains: ['google.com'] });
    const googled = all.items.filter((i) => /(^|\.)google\.com$/.test(String(i.container)));
    expect(googled.length).toBeGreaterThan(0);
    expect(some.items.length).toBe(all.items.length - googled.length);
  });
});

describe('incremental reads on a copy with appended visits', () => {
  it('chrome: a new visit re-reads its page, a new URL is added, nothing else', async () => {
    const tmp = makeTempDir('history');
    cleanup = tmp.cleanup;
    const copy = path.join(tmp.dir, 'History');
    copyFileSync(testdata('browser/chrome/grr-History'), copy);
    const first = await sync({ path: copy, browser: 'chrome' });
    const db = new Database(copy);
    const t = (Date.UTC(2026, 2, 2) + 11_644_473_600_000) * 1000;
    db.prepare(
      'INSERT INTO visits (url, visit_time, from_visit, transition, segment_id, is_indexed) VALUES (1, ?, 0, 1, 0, 0)',
    ).run(t);
    db.prepare('UPDATE urls SET visit_count = visit_count + 1, last_visit_time = ? WHERE id = 1').run(t);
    const id = db
      .prepare(
        `INSERT INTO urls (url, title, visit_count, typed_count, last_visit_time, hidden, favicon_id) VALUES ('https://new.example.org/', 'New', 1, 0, ?, 0, 0)`,
      )
      .run(t).lastInsertRowid;
    db.prepare(
      'INSERT INTO visits (url, visit_time, from_visit, transition, segment_id, is_indexed) VALUES (?, ?, 0, 0, 0, 0)',
    ).run(id, t);
    db.close();
    const second = await sync({ path: copy, browser: 'chrome' }, first.checkpoint);
    expect(second.items.map((i) => i.externalId)).toEqual([
      'http://start.ubuntu.com/10.04/Google/',
      'https://new.example.org/',
    ]);
    expect(second.items[0]!.occurredAt).toBe('2026-03-02T00:00:00.000Z');
    expect(second.items[0]!.metadata).toMatchObject({ visitCount: 5 });
  });

  it('visits mode: only the appended visit comes next', async () => {
    const tmp = makeTempDir('history');
    cleanup = tmp.cleanup;
    const copy = path.join(tmp.dir, 'History');
    copyFileSync(testdata('browser/chrome/grr-History3'), copy);
    const first = await sync({ path: copy }, undefined, { visits: true });
    const db = new Database(copy);
    const t = (Date.UTC(2026, 2, 2) + 11_644_473_600_000) * 1000;
    const id = db
      .prepare('INSERT INTO visits (url, visit_time, from_visit, transition, segment_id) VALUES (1, ?, 0, 1, 0)')
      .run(t).lastInsertRowid;
    db.close();
    const second = await sync({ path: copy }, first.checkpoint, { visits: true });
    expect(second.items.map((i) => [i.externalId, i.occurredAt, (i.metadata as any).transition])).toEqual([
      [`visit:${id}`, '2026-03-02T00:00:00.000Z', 'typed'],
    ]);
  });

  it('firefox and safari: appended visits are picked up', async () => {
    const tmp = makeTempDir('history');
    cleanup = tmp.cleanup;
    const ff = path.join(tmp.dir, 'places.sqlite');
    copyFileSync(testdata('browser/firefox/grr-places.sqlite'), ff);
    const ffFirst = await sync({ path: ff });
    let db = new Database(ff);
    db.prepare(
      'INSERT INTO moz_historyvisits (from_visit, place_id, visit_date, visit_type, session) VALUES (0, 5, ?, 1, 0)',
    ).run(Date.UTC(2026, 2, 2) * 1000);
    const place5 = (db.prepare('SELECT url FROM moz_places WHERE id = 5').get() as { url: string }).url;
    db.close();
    expect((await sync({ path: ff }, ffFirst.checkpoint)).items.map((i) => i.externalId)).toEqual([place5]);

    const sf = path.join(tmp.dir, 'History.db');
    copyFileSync(testdata('browser/safari/plaso-History.db'), sf);
    const sfFirst = await sync({ path: sf });
    db = new Database(sf);
    db.prepare(
      `INSERT INTO history_visits (history_item, visit_time, title, load_successful, http_non_get, synthesized, origin, generation, attributes, score) VALUES (31, 800000000, 'Facebook again', 1, 0, 0, 0, 0, 0, 100)`,
    ).run();
    db.close();
    const sfSecond = await sync({ path: sf }, sfFirst.checkpoint);
    expect(sfSecond.items.map((i) => [i.externalId, i.title])).toEqual([['http://facebook.com/', 'Facebook again']]);
  });
});

describe('default locations', () => {
  it('knows each browser per OS', () => {
    const mac = { platform: 'darwin' as const, home: '/Users/ann' };
    const linux = { platform: 'linux' as const, home: '/home/ann' };
    const win = { platform: 'win32' as const, home: 'C:/Users/ann' };
    expect(defaultHistoryPath('chrome', mac)).toBe(
      '/Users/ann/Library/Application Support/Google/Chrome/Default/History',
    );
    expect(defaultHistoryPath('brave', linux, 'Profile 1')).toBe(
      '/home/ann/.config/BraveSoftware/Brave-Browser/Profile 1/History',
    );
    expect(defaultHistoryPath('edge', win)).toBe(
      path.join('C:/Users/ann', 'AppData/Local/Microsoft/Edge/User Data/Default/History'),
    );
    expect(defaultHistoryPath('safari', mac)).toBe('/Users/ann/Library/Safari/History.db');
    expect(defaultHistoryPath('safari', linux)).toBeUndefined();
    expect(defaultHistoryPath('firefox', linux, 'abc.default')).toBe(
      '/home/ann/.mozilla/firefox/Profiles/abc.default/places.sqlite',
    );
  });

  it('picks the default Firefox profile from profiles.ini', () => {
    const ini =
      '[Profile1]\nName=other\nPath=Profiles/b.other\n\n[Profile0]\nName=default\nPath=Profiles/a.default\nDefault=1\n';
    expect(pickFirefoxProfile(ini)).toBe('Profiles/a.default');
    expect(pickFirefoxProfile(`[Install4F96D1932A9F858E]\nDefault=Profiles/c.release\nLocked=1\n\n${ini}`)).toBe(
      'Profiles/c.release',
    );
  });
});
