import type { Page } from '@tributary/sdk';
import type { GithubCheckpoint } from '../checkpoint.js';
import { numberFromUrl, toCommentItem, type ApiComment } from '../map.js';
import type { RepoRun } from './run.js';
import { PER_PAGE, scanUpdated } from './updated.js';

/** Issue and pull request conversation comments, repository-wide, by `updated_at` (no call per issue). */
export function readComments(run: RepoRun): AsyncGenerator<Page<GithubCheckpoint>> {
  const { octokit, owner, name, fullName } = run;
  return scanUpdated<ApiComment>(
    run,
    'comments',
    async (since, pageNo) =>
      (
        await octokit.rest.issues.listCommentsForRepo({
          owner,
          repo: name,
          sort: 'updated',
          direction: 'asc',
          per_page: PER_PAGE,
          page: pageNo,
          ...(since ? { since } : {}),
        })
      ).data as unknown as ApiComment[],
    (c) => c.id,
    async (fresh) => ({
      items: fresh.flatMap((c) => {
        const n = numberFromUrl(c.issue_url);
        return n === undefined ? [] : [toCommentItem(fullName, n, c, 'comment')];
      }),
    }),
  );
}

/** Review comments on pull request diffs, repository-wide, by `updated_at`. */
export function readReviewComments(run: RepoRun): AsyncGenerator<Page<GithubCheckpoint>> {
  const { octokit, owner, name, fullName } = run;
  return scanUpdated<ApiComment>(
    run,
    'reviewComments',
    async (since, pageNo) =>
      (
        await octokit.rest.pulls.listReviewCommentsForRepo({
          owner,
          repo: name,
          sort: 'updated',
          direction: 'asc',
          per_page: PER_PAGE,
          page: pageNo,
          ...(since ? { since } : {}),
        })
      ).data as unknown as ApiComment[],
    (c) => c.id,
    async (fresh) => ({
      items: fresh.flatMap((c) => {
        const n = numberFromUrl(c.pull_request_url);
        return n === undefined ? [] : [toCommentItem(fullName, n, c, 'review-comment')];
      }),
    }),
  );
}
