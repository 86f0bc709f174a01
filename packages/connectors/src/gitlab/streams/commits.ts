import type { Page } from '@tributary/sdk';
import type { GitlabCheckpoint } from '../checkpoint.js';
import { toCommitItem, type ApiCommit } from '../map.js';
import { page, PER_PAGE, type ProjectRun } from './run.js';

/**
 * Commits of the default branch newer than the last head read, newest first. The first page is asked by branch
 * name (one call when nothing changed); further pages by the sha it started from (`ref_name=<top>`), so they stay
 * the same while a resumed scan reads them.
 */
export async function* readCommits(run: ProjectRun): AsyncGenerator<Page<GitlabCheckpoint>> {
  const branch = run.project.default_branch;
  if (!branch) return; // an empty project
  const cur = run.cursor.commits ?? {};
  const since = cur.head === undefined ? run.firstSince : undefined;
  let top = cur.scan?.top;
  for (let pageNo = cur.scan?.page ?? 1; ; pageNo++) {
    if (run.ctx.signal.aborted) return;
    const res = await run.client.list<ApiCommit>(
      run.client.url(`${run.base}/repository/commits`, {
        ref_name: top ?? branch,
        per_page: PER_PAGE,
        page: pageNo,
        since,
      }),
    );
    top ??= res.data[0]?.id;
    if (top === undefined || (pageNo === 1 && top === cur.head)) return;
    const items = [];
    let reached = false;
    for (const c of res.data) {
      if (c.id === cur.head) {
        reached = true;
        break;
      }
      items.push(toCommitItem(run.path, c));
    }
    const done = reached || res.next === undefined;
    run.cursor.commits = done
      ? { head: top }
      : { ...(cur.head ? { head: cur.head } : {}), scan: { top, page: pageNo + 1 } };
    yield page(run, items);
    if (done) return;
  }
}
