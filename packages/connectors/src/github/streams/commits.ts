import type { Page } from '@tributary/sdk';
import type { GithubCheckpoint } from '../checkpoint.js';
import { toCommitItem, type ApiCommit } from '../map.js';
import { page, type RepoRun } from './run.js';
import { PER_PAGE } from './updated.js';

/** The default branch's head commit and root tree, or undefined for an empty repository. */
export async function branchHead(run: RepoRun): Promise<{ sha: string; tree: string; branch: string } | undefined> {
  const branch = run.repo.default_branch ?? 'main';
  try {
    const res = await run.octokit.rest.repos.getBranch({ owner: run.owner, repo: run.name, branch });
    return { sha: res.data.commit.sha, tree: res.data.commit.commit.tree.sha, branch };
  } catch (err) {
    // An empty repository has no branch yet.
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

/**
 * Commits of the default branch newer than the last head read, newest first. The scan is anchored at the head it
 * started from (`sha=<top>`), so its pages stay the same while a resumed scan reads them.
 */
export async function* readCommits(run: RepoRun, head: string): AsyncGenerator<Page<GithubCheckpoint>> {
  const cur = run.cursor.commits ?? {};
  if (!cur.scan && cur.head === head) return;
  const top = cur.scan?.top ?? head;
  for (let pageNo = cur.scan?.page ?? 1; ; pageNo++) {
    if (run.ctx.signal.aborted) return;
    const since = cur.head === undefined ? run.firstSince : undefined;
    const res = await run.octokit.rest.repos.listCommits({
      owner: run.owner,
      repo: run.name,
      sha: top,
      per_page: PER_PAGE,
      page: pageNo,
      ...(since ? { since } : {}),
    });
    const list = res.data as unknown as ApiCommit[];
    const items = [];
    let reached = false;
    for (const c of list) {
      if (c.sha === cur.head) {
        reached = true;
        break;
      }
      items.push(toCommitItem(run.fullName, c));
    }
    const done = reached || list.length < PER_PAGE;
    run.cursor.commits = done
      ? { head: top }
      : { ...(cur.head ? { head: cur.head } : {}), scan: { top, page: pageNo + 1 } };
    yield page(run, items);
    if (done) return;
  }
}
