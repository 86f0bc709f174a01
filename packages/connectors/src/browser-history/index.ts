import { existsSync } from 'node:fs';
import { defineConnector, TributaryError, type Item } from '@tributary/sdk';
import { type BrowserHistoryCheckpoint } from './checkpoint.js';
import { historyPath, readerFor } from './client.js';
import { domainAllowed, toPageItem, toVisitItem } from './map.js';
import { openSnapshot, type Snapshot } from './snapshot.js';
import { browserHistoryManifest } from './manifest.js';

/** Latest visits kept in a page item's metadata. */
const VISITS_PER_PAGE = 50;

function open(file: string): Snapshot {
  if (!existsSync(file))
    throw new TributaryError(
      'invalid_config',
      `History database "${file}" does not exist: check \`path\`, \`browser\` and \`profile\`.`,
    );
  try {
    return openSnapshot(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new TributaryError(
        'permission_denied',
        `History database "${file}" is not readable by this process (on macOS, grant Full Disk Access).`,
        { cause: err },
      );
    }
    throw new TributaryError(
      'invalid_config',
      `History database "${file}" cannot be opened: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * `browser-history`: pages visited in Chrome, Chromium, Edge, Brave, Firefox or Safari, read from a private copy of
 * the browser's database. One item per page (URL) with its visits in metadata, or one per visit with feature
 * `visits`. Incremental by visit and page row ids.
 */
export const browserHistoryConnector = defineConnector({
  manifest: browserHistoryManifest,
  async check(ctx) {
    try {
      const file = historyPath(ctx.config);
      const snap = open(file);
      try {
        const reader = readerFor(snap.db, ctx.config.browser, file);
        return { ok: true, message: `${reader.kind} history at "${file}" is readable.` };
      } finally {
        snap.close();
      }
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
  async *read(ctx) {
    const file = historyPath(ctx.config);
    const snap = open(file);
    try {
      const reader = readerFor(snap.db, ctx.config.browser, file);
      const perVisit = ctx.features.visits === true && reader.stream === 'pages';
      const kind = `${reader.kind}:${perVisit ? 'visits' : 'pages'}`;
      const browser = ctx.config.browser ?? (reader.kind === 'firefox-downloads' ? 'firefox' : reader.kind);
      const visitMax = reader.maxVisitId();
      const pageMax = reader.maxPageId();
      let cp: BrowserHistoryCheckpoint | undefined = ctx.checkpoint;
      // Another file, another mode, or a history that was cleared/rebuilt (ids went backwards): start over.
      if (
        cp &&
        (cp.kind !== kind ||
          cp.source !== file ||
          cp.visitId > visitMax ||
          cp.pageId > pageMax ||
          (cp.run && (cp.run.visitCeil > visitMax || cp.run.pageCeil > pageMax)))
      )
        cp = undefined;
      const floor = { visitId: cp?.visitId ?? 0, pageId: cp?.pageId ?? 0 };
      const run = cp?.run ?? { after: perVisit ? floor.visitId : 0, visitCeil: visitMax, pageCeil: pageMax };
      const since = ctx.since?.getTime();
      const { includeDomains, excludeDomains, pageSize } = ctx.config;
      const keep = (url: string, ms: number | undefined): boolean =>
        domainAllowed(url, includeDomains, excludeDomains) && (since === undefined || ms === undefined || ms >= since);
      for (;;) {
        ctx.signal.throwIfAborted();
        const items: Item[] = [];
        let count: number;
        if (perVisit) {
          const rows = reader.visits(run.after, run.visitCeil, pageSize);
          count = rows.length;
          for (const v of rows) if (keep(v.url, v.timeMs)) items.push(toVisitItem(v, browser));
          if (rows.length) run.after = rows[rows.length - 1]!.id;
        } else {
          const rows = reader.pages({
            after: run.after,
            limit: pageSize,
            pageFloor: floor.pageId,
            pageCeil: run.pageCeil,
            visitFloor: floor.visitId,
            visitCeil: run.visitCeil,
          });
          count = rows.length;
          const visits = reader.visitsOf(
            rows.map((r) => r.id),
            VISITS_PER_PAGE,
          );
          for (const p of rows)
            if (keep(p.url, p.lastVisitMs)) items.push(toPageItem(p, visits.get(p.id), browser, reader.stream));
          if (rows.length) run.after = rows[rows.length - 1]!.id;
        }
        if (count < pageSize) {
          yield { items, checkpoint: { kind, source: file, visitId: run.visitCeil, pageId: run.pageCeil } };
          return;
        }
        yield {
          items,
          checkpoint: { kind, source: file, visitId: floor.visitId, pageId: floor.pageId, run: { ...run } },
        };
      }
    } finally {
      snap.close();
    }
  },
});

export default browserHistoryConnector;
