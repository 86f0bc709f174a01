import { homedir, platform } from 'node:os';
import type Database from 'better-sqlite3';
import { TributaryError } from '@tributary/sdk';
import { chromeReader } from './chrome.js';
import type { Browser, BrowserHistoryConfig } from './config.js';
import { firefoxDownloadsReader, firefoxReader } from './firefox.js';
import { defaultHistoryPath } from './locations.js';
import type { HistoryReader } from './reader.js';
import { safariReader } from './safari.js';

/**
 * The database file to read: the configured `path`, else the browser's default profile on this OS.
 * @throws TributaryError `invalid_config` when neither gives a path
 */
export function historyPath(config: BrowserHistoryConfig): string {
  if (config.path) return config.path;
  if (!config.browser)
    throw new TributaryError(
      'invalid_config',
      'Set `browser` (chrome, chromium, edge, brave, firefox, safari) or an explicit `path`.',
    );
  const p = defaultHistoryPath(config.browser, { platform: platform(), home: homedir() }, config.profile);
  if (!p)
    throw new TributaryError(
      'invalid_config',
      `${config.browser} keeps no history on ${platform()} that we know of: set \`path\` to its history database.`,
    );
  return p;
}

const tables = (db: Database.Database): Set<string> =>
  new Set(
    (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map(
      (r) => r.name,
    ),
  );

/**
 * Picks the schema reader from the tables present (so an explicit path needs no `browser`), and checks it agrees
 * with the configured browser.
 * @throws TributaryError `invalid_config` when the file is not a known history database
 */
export function readerFor(db: Database.Database, browser: Browser | undefined, file: string): HistoryReader {
  const t = tables(db);
  let reader: HistoryReader | undefined;
  if (t.has('urls') && t.has('visits')) reader = chromeReader(db);
  else if (t.has('moz_places') && t.has('moz_historyvisits')) reader = firefoxReader(db);
  else if (t.has('moz_downloads')) reader = firefoxDownloadsReader(db);
  else if (t.has('history_items') && t.has('history_visits')) reader = safariReader(db);
  if (!reader)
    throw new TributaryError(
      'invalid_config',
      `"${file}" is not a Chrome, Firefox or Safari history database (no urls/visits, moz_places or history_items table).`,
    );
  const family =
    reader.kind === 'chrome'
      ? ['chrome', 'chromium', 'edge', 'brave']
      : reader.kind === 'safari'
        ? ['safari']
        : ['firefox'];
  if (browser && !family.includes(browser)) {
    throw new TributaryError(
      'invalid_config',
      `"${file}" is a ${reader.kind} database, but browser is set to ${browser}: fix \`browser\` or \`path\`.`,
    );
  }
  return reader;
}
