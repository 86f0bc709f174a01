import type Database from 'better-sqlite3';
import { fromSafariTime, maxId, toPageRow, visitsOfPages, type HistoryReader, type VisitRow } from './reader.js';

/**
 * Safari `History.db`: `history_items` (one row per URL: the items) and `history_visits` (`history_item` references
 * history_items.id; the title lives on the visit, so a page's title is its latest visit's).
 */
export function safariReader(db: Database.Database): HistoryReader {
  const toVisit = (r: any): VisitRow => ({
    id: r.id,
    pageId: r.pageId,
    url: r.url,
    title: r.title ?? '',
    timeMs: fromSafariTime(r.t),
    transition: r.redirect_source ? 'redirect' : undefined,
  });
  return {
    kind: 'safari',
    stream: 'pages',
    maxPageId: () => maxId(db, 'history_items'),
    maxVisitId: () => maxId(db, 'history_visits'),
    pages: (q) =>
      (
        db
          .prepare(
            `SELECT i.id, i.url, i.visit_count AS visitCount,
               (SELECT v.title FROM history_visits v WHERE v.history_item = i.id AND v.title IS NOT NULL AND v.title <> '' ORDER BY v.visit_time DESC LIMIT 1) AS title,
               (SELECT max(v.visit_time) FROM history_visits v WHERE v.history_item = i.id) AS last
             FROM history_items i
             WHERE i.id > @after AND i.id <= @pageCeil AND (i.id > @pageFloor OR EXISTS
               (SELECT 1 FROM history_visits v WHERE v.history_item = i.id AND v.id > @visitFloor AND v.id <= @visitCeil))
             ORDER BY i.id LIMIT CAST(@limit AS INTEGER)`,
          )
          .all(q) as any[]
      ).map(toPageRow(fromSafariTime)),
    visitsOf: (ids, perPage) =>
      visitsOfPages(db, ids, perPage, {
        firstsSql: (inList) =>
          `SELECT history_item AS pageId, min(visit_time) AS t FROM history_visits WHERE history_item IN (${inList}) GROUP BY history_item`,
        rowsSql: (inList) =>
          `SELECT v.id, v.history_item AS pageId, i.url, v.title, v.visit_time AS t, v.redirect_source FROM history_visits v JOIN history_items i ON i.id = v.history_item WHERE v.history_item IN (${inList}) ORDER BY v.history_item, v.visit_time DESC, v.id DESC`,
        toTime: fromSafariTime,
        toVisit,
      }),
    visits: (after, ceil, limit) =>
      (
        db
          .prepare(
            `SELECT v.id, v.history_item AS pageId, i.url, v.title, v.visit_time AS t, v.redirect_source FROM history_visits v
             JOIN history_items i ON i.id = v.history_item WHERE v.id > ? AND v.id <= ? ORDER BY v.id LIMIT CAST(? AS INTEGER)`,
          )
          .all(after, ceil, limit) as any[]
      ).map(toVisit),
  };
}
