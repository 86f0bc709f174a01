import type Database from 'better-sqlite3';
import { fromFirefoxTime, maxId, toPageRow, visitsOfPages, type HistoryReader, type VisitRow } from './reader.js';

const VISIT_TYPES = [
  '',
  'link',
  'typed',
  'bookmark',
  'embed',
  'redirect_permanent',
  'redirect_temporary',
  'download',
  'framed_link',
  'reload',
];

/**
 * Firefox `places.sqlite`: `moz_places` holds bookmarks and history alike, so the items are the places with at
 * least one row in `moz_historyvisits` (`place_id` references moz_places.id).
 */
export function firefoxReader(db: Database.Database): HistoryReader {
  const toVisit = (r: any): VisitRow => ({
    id: r.id,
    pageId: r.pageId,
    url: r.url,
    title: r.title ?? '',
    timeMs: fromFirefoxTime(r.t),
    transition: VISIT_TYPES[r.visit_type] || (r.visit_type ? `type_${r.visit_type}` : undefined),
    fromVisit: r.from_visit || undefined,
  });
  return {
    kind: 'firefox',
    stream: 'pages',
    maxPageId: () => maxId(db, 'moz_places'),
    maxVisitId: () => maxId(db, 'moz_historyvisits'),
    pages: (q) =>
      (
        db
          .prepare(
            `SELECT p.id, p.url, p.title, p.visit_count AS visitCount, p.last_visit_date AS last FROM moz_places p
             WHERE p.id > @after AND p.id <= @pageCeil AND EXISTS (SELECT 1 FROM moz_historyvisits v WHERE v.place_id = p.id
               AND (p.id > @pageFloor OR (v.id > @visitFloor AND v.id <= @visitCeil)))
             ORDER BY p.id LIMIT CAST(@limit AS INTEGER)`,
          )
          .all(q) as any[]
      ).map(toPageRow(fromFirefoxTime)),
    visitsOf: (ids, perPage) =>
      visitsOfPages(db, ids, perPage, {
        firstsSql: (inList) =>
          `SELECT place_id AS pageId, min(visit_date) AS t FROM moz_historyvisits WHERE place_id IN (${inList}) GROUP BY place_id`,
        rowsSql: (inList) =>
          `SELECT v.id, v.place_id AS pageId, p.url, p.title, v.visit_date AS t, v.visit_type, v.from_visit FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id WHERE v.place_id IN (${inList}) ORDER BY v.place_id, v.visit_date DESC, v.id DESC`,
        toTime: fromFirefoxTime,
        toVisit,
      }),
    visits: (after, ceil, limit) =>
      (
        db
          .prepare(
            `SELECT v.id, v.place_id AS pageId, p.url, p.title, v.visit_date AS t, v.visit_type, v.from_visit FROM moz_historyvisits v
             JOIN moz_places p ON p.id = v.place_id WHERE v.id > ? AND v.id <= ? ORDER BY v.id LIMIT CAST(? AS INTEGER)`,
          )
          .all(after, ceil, limit) as any[]
      ).map(toVisit),
  };
}

/**
 * Firefox's old `downloads.sqlite` (before Firefox 26): one item per `moz_downloads` row, in the `downloads` stream.
 * It has no visits, so only new rows are read incrementally.
 */
export function firefoxDownloadsReader(db: Database.Database): HistoryReader {
  return {
    kind: 'firefox-downloads',
    stream: 'downloads',
    maxPageId: () => maxId(db, 'moz_downloads'),
    maxVisitId: () => 0,
    pages: (q) =>
      (
        db
          .prepare(
            `SELECT id, name, source, startTime AS t FROM moz_downloads WHERE id > @after AND id > @pageFloor AND id <= @pageCeil ORDER BY id LIMIT CAST(@limit AS INTEGER)`,
          )
          .all(q) as any[]
      ).map((r) => ({
        id: r.id,
        url: r.source ?? '',
        title: r.name ?? '',
        visitCount: 1,
        lastVisitMs: fromFirefoxTime(r.t),
      })),
    visitsOf: () => new Map(),
    visits: () => [],
  };
}
