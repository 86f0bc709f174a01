import type { Item, Page } from '@tributary/sdk';
import { compact, type GithubCheckpoint, type UpdatedCursor } from '../checkpoint.js';
import { later, page, type RepoRun } from './run.js';

export const PER_PAGE = 100;

/** What a stream does with one page of fresh objects. */
export type PageHandler<T> = (fresh: T[], base: string | undefined) => Promise<{ items: Item[]; deletes?: string[] }>;

/**
 * Scans a list endpoint sorted by `updated_at` ascending from the stream's cursor: each request asks for objects
 * updated since the newest one read (GitHub's `since` is inclusive, so objects read at exactly that second are
 * skipped by id). Objects updated during the scan move to its end and are read there, so none is missed.
 */
export async function* scanUpdated<T extends { updated_at: string }>(
  run: RepoRun,
  key: 'issues' | 'comments' | 'reviewComments',
  fetchPage: (since: string | undefined, pageNo: number) => Promise<T[]>,
  idOf: (x: T) => number,
  handle: PageHandler<T>,
): AsyncGenerator<Page<GithubCheckpoint>> {
  let cur: UpdatedCursor = run.cursor[key] ?? { ids: [] };
  if (!cur.scanning) cur = compact({ ...cur, base: cur.since, scanning: true });
  for (;;) {
    if (run.ctx.signal.aborted) return;
    const pageNo = cur.page ?? 1;
    const list = await fetchPage(cur.since ?? run.firstSince, pageNo);
    const seen = new Set(cur.ids);
    const fresh = list.filter(
      (x) => !(cur.since !== undefined && Date.parse(x.updated_at) === Date.parse(cur.since) && seen.has(idOf(x))),
    );
    const out = await handle(fresh, cur.base);
    const newest = list.reduce<string | undefined>((m, x) => (later(x.updated_at, m) ? x.updated_at : m), undefined);
    if (newest !== undefined && later(newest, cur.since)) {
      cur = compact({
        ...cur,
        since: newest,
        ids: list.filter((x) => Date.parse(x.updated_at) === Date.parse(newest)).map(idOf),
        page: undefined,
      });
    } else if (list.length) {
      // A full page of objects updated in the same second: page on within it.
      cur = compact({ ...cur, ids: [...new Set([...cur.ids, ...list.map(idOf)])], page: pageNo + 1 });
    }
    const done = list.length < PER_PAGE;
    if (done) cur = compact({ since: cur.since, ids: cur.ids });
    run.cursor[key] = cur;
    yield page(run, out.items, out.deletes);
    if (done) return;
  }
}
