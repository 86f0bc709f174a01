import type Database from 'better-sqlite3';

/** One history entry (a URL) as a browser stores it; times in ms since the epoch. */
export interface PageRow {
  id: number;
  url: string;
  title: string;
  visitCount: number;
  lastVisitMs?: number;
}

/** One visit of a URL. */
export interface VisitRow {
  id: number;
  pageId: number;
  url: string;
  title: string;
  timeMs?: number;
  /** How the user got there (link, typed, reload …) where the browser records it. */
  transition?: string;
  fromVisit?: number;
}

/** Which rows to read: a keyset position, the run's ceilings and the last run's floors. */
export interface PageQuery {
  after: number;
  limit: number;
  pageFloor: number;
  pageCeil: number;
  visitFloor: number;
  visitCeil: number;
}

/** Uniform access to one browser's schema. Rows come in id order so a keyset position can resume a read. */
export interface HistoryReader {
  kind: 'chrome' | 'firefox' | 'safari' | 'firefox-downloads';
  /** The item stream of this database. */
  stream: 'pages' | 'downloads';
  maxPageId(): number;
  maxVisitId(): number;
  /** Pages new since the last run (id in (pageFloor, pageCeil]) or visited since (visit id in (visitFloor, visitCeil]). */
  pages(q: PageQuery): PageRow[];
  /** For each page: first visit, visit count seen, and its latest visits (newest first, at most `perPage`). */
  visitsOf(pageIds: number[], perPage: number): Map<number, { firstMs?: number; recent: VisitRow[] }>;
  /** Visits with id in (after, ceil], in id order. */
  visits(after: number, ceil: number, limit: number): VisitRow[];
}

/** µs since 1601-01-01 (Chrome, WebKit) → ms since 1970; 0 means never. */
export const fromChromeTime = (us: number | bigint | null | undefined): number | undefined =>
  us ? Number(us) / 1000 - 11_644_473_600_000 : undefined;
/** µs since 1970 (Firefox PRTime) → ms. */
export const fromFirefoxTime = (us: number | bigint | null | undefined): number | undefined =>
  us ? Number(us) / 1000 : undefined;
/** s since 2001-01-01 (Safari, Core Data) → ms. */
export const fromSafariTime = (s: number | null | undefined): number | undefined =>
  s === null || s === undefined ? undefined : s * 1000 + 978_307_200_000;

/** `max(id)` of a table, 0 when empty. */
export function maxId(db: Database.Database, table: string): number {
  const row = db.prepare(`SELECT max(id) AS m FROM ${table}`).get() as { m: number | null };
  return row.m ?? 0;
}

// Rows hold numbers; Chrome and Firefox converters also accept bigint.
type TimeConverter = (t: number | null | undefined) => number | undefined;

/** A `pages()` row (`id, url, title, visitCount, last`) → PageRow, with the browser's epoch converted. */
export const toPageRow =
  (toTime: TimeConverter) =>
  (r: any): PageRow => ({
    id: r.id,
    url: r.url,
    title: r.title ?? '',
    visitCount: r.visitCount ?? 0,
    lastVisitMs: toTime(r.last),
  });

/**
 * `visitsOf` for any schema: each page's first visit (`firstsSql` selects `pageId, t` grouped by page) and its
 * newest visits (`rowsSql`, ordered by page then newest first), both for the ids in the `IN (…)` list they are given.
 */
export function visitsOfPages(
  db: Database.Database,
  ids: number[],
  perPage: number,
  spec: {
    firstsSql: (inList: string) => string;
    rowsSql: (inList: string) => string;
    toTime: TimeConverter;
    toVisit: (r: any) => VisitRow;
  },
): Map<number, { firstMs?: number; recent: VisitRow[] }> {
  if (!ids.length) return new Map();
  const inList = placeholders(ids.length);
  const firsts = new Map<number, number | undefined>();
  for (const r of db.prepare(spec.firstsSql(inList)).all(...ids) as any[]) firsts.set(r.pageId, spec.toTime(r.t));
  const rows = db.prepare(spec.rowsSql(inList)).all(...ids) as any[];
  return groupVisits(rows.map(spec.toVisit), perPage, firsts);
}

/** Groups visit rows by page and keeps the newest `perPage` of each. */
function groupVisits(
  rows: Array<VisitRow & { first?: number }>,
  perPage: number,
  firsts: Map<number, number | undefined>,
): Map<number, { firstMs?: number; recent: VisitRow[] }> {
  const out = new Map<number, { firstMs?: number; recent: VisitRow[] }>();
  for (const [id, firstMs] of firsts) out.set(id, { firstMs, recent: [] });
  for (const r of rows) {
    const entry = out.get(r.pageId) ?? { recent: [] };
    if (entry.recent.length < perPage) entry.recent.push(r);
    out.set(r.pageId, entry);
  }
  return out;
}

/** `?, ?, ?` for an IN list. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
