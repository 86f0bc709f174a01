import type Database from 'better-sqlite3';
import { fromChromeTime, maxId, toPageRow, visitsOfPages, type HistoryReader, type VisitRow } from './reader.js';

const CORE_TRANSITIONS = [
  'link',
  'typed',
  'auto_bookmark',
  'auto_subframe',
  'manual_subframe',
  'generated',
  'auto_toplevel',
  'form_submit',
  'reload',
  'keyword',
  'keyword_generated',
];

/** Chrome's page transition: the low byte is the core type, the rest qualifier bits. */
export const chromeTransition = (t: number | null): string | undefined =>
  t === null ? undefined : (CORE_TRANSITIONS[t & 0xff] ?? `type_${t & 0xff}`);

/**
 * Chrome, Chromium, Edge, Brave `History` (schema versions 20 … today): `urls` (one row per URL: the items) and
 * `visits` (`url` references urls.id). Only columns present since version 20 are read.
 */
export function chromeReader(db: Database.Database): HistoryReader {
  const toVisit = (r: any): VisitRow => ({
    id: r.id,
    pageId: r.pageId,
    url: r.url,
    title: r.title ?? '',
    timeMs: fromChromeTime(r.t),
    transition: chromeTransition(r.transition),
    fromVisit: r.from_visit || undefined,
  });
  return {
    kind: 'chrome',
    stream: 'pages',
    maxPageId: () => maxId(db, 'urls'),
    maxVisitId: () => maxId(db, 'visits'),
    pages: (q) =>
      (
        db
          .prepare(
            `SELECT u.id, u.url, u.title, u.visit_count AS visitCount, u.last_visit_time AS last FROM urls u
             WHERE u.id > @after AND u.id <= @pageCeil AND (u.id > @pageFloor OR EXISTS
               (SELECT 1 FROM visits v WHERE v.url = u.id AND v.id > @visitFloor AND v.id <= @visitCeil))
             ORDER BY u.id LIMIT CAST(@limit AS INTEGER)`,
          )
          .all(q) as any[]
      ).map(toPageRow(fromChromeTime)),
    visitsOf: (ids, perPage) =>
      visitsOfPages(db, ids, perPage, {
        firstsSql: (inList) =>
          `SELECT url AS pageId, min(visit_time) AS t FROM visits WHERE url IN (${inList}) GROUP BY url`,
        rowsSql: (inList) =>
          `SELECT v.id, v.url AS pageId, u.url, u.title, v.visit_time AS t, v.transition, v.from_visit FROM visits v JOIN urls u ON u.id = v.url WHERE v.url IN (${inList}) ORDER BY v.url, v.visit_time DESC, v.id DESC`,
        toTime: fromChromeTime,
        toVisit,
      }),
    visits: (after, ceil, limit) =>
      (
        db
          .prepare(
            `SELECT v.id, v.url AS pageId, u.url, u.title, v.visit_time AS t, v.transition, v.from_visit FROM visits v JOIN urls u ON u.id = v.url
             WHERE v.id > ? AND v.id <= ? ORDER BY v.id LIMIT CAST(? AS INTEGER)`,
          )
          .all(after, ceil, limit) as any[]
      ).map(toVisit),
  };
}
