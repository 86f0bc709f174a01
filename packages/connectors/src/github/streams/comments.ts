import type { Page } from '@tributary/sdk';
import type { GithubCheckpoint } from '../checkpoint.js';
import { numberFromUrl, toCommentItem, type ApiComment } from '../map.js';
import type { RepoRun } from './run.js';
import { PER_PAGE, scanUpdated } from './updated.js';

/** The two repository-wide comment listings: they differ only in endpoint, cursor key and parent URL. */
const KINDS = {
  comment: { cursor: 'comments', parentUrl: (c: ApiComment) => c.issue_url },
  'review-comment': { cursor: 'reviewComments', parentUrl: (c: ApiComment) => c.pull_request_url },
} as const;

/** Comments of one kind, repository-wide, by `updated_at` (no call per issue or pull request). */
function readCommentsOf(run: RepoRun, kind: keyof typeof KINDS): AsyncGenerator<Page<GithubCheckpoint>> {
  const { octokit, owner, name, fullName } = run;
  const spec = KINDS[kind];
  return scanUpdated<ApiComment>(
    run,
    spec.cursor,
    async (since, pageNo) => {
      const params = {
        owner,
        repo: name,
        sort: 'updated' as const,
        direction: 'asc' as const,
        per_page: PER_PAGE,
        page: pageNo,
        ...(since ? { since } : {}),
      };
      const res =
        kind === 'comment'
          ? await octokit.rest.issues.listCommentsForRepo(params)
          : await octokit.rest.pulls.listReviewCommentsForRepo(params);
      return res.data as unknown as ApiComment[];
    },
    (c) => c.id,
    async (fresh) => ({
      items: fresh.flatMap((c) => {
        const n = numberFromUrl(spec.parentUrl(c));
        return n === undefined ? [] : [toCommentItem(fullName, n, c, kind)];
      }),
    }),
  );
}

/** Issue and pull request conversation comments. */
export const readComments = (run: RepoRun): AsyncGenerator<Page<GithubCheckpoint>> => readCommentsOf(run, 'comment');

/** Review comments on pull request diffs. */
export const readReviewComments = (run: RepoRun): AsyncGenerator<Page<GithubCheckpoint>> =>
  readCommentsOf(run, 'review-comment');
