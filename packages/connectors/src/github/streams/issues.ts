import type { Item, Page } from '@tributary/sdk';
import type { GithubCheckpoint } from '../checkpoint.js';
import { ids, toIssueItem, toReviewItem, type ApiIssue, type ApiReview } from '../map.js';
import { later, type RepoRun } from './run.js';
import { PER_PAGE, scanUpdated } from './updated.js';

/**
 * Issues and pull requests from the issues endpoint (it lists both, by `updated_at`), and each changed pull
 * request's reviews submitted since the previous scan (one call per changed pull request).
 */
export function readIssues(run: RepoRun): AsyncGenerator<Page<GithubCheckpoint>> {
  const { ctx, octokit, owner, name, fullName } = run;
  const wantIssues = ctx.features.issues !== false;
  const wantPulls = ctx.features.pullRequests !== false;
  return scanUpdated<ApiIssue>(
    run,
    'issues',
    async (since, pageNo) =>
      (
        await octokit.rest.issues.listForRepo({
          owner,
          repo: name,
          state: 'all',
          sort: 'updated',
          direction: 'asc',
          per_page: PER_PAGE,
          page: pageNo,
          ...(since ? { since } : {}),
        })
      ).data as unknown as ApiIssue[],
    (i) => i.number,
    async (fresh, base) => {
      const items: Item[] = [];
      const deletes: string[] = [];
      for (const issue of fresh) {
        const isPull = issue.pull_request !== undefined;
        if (isPull ? !wantPulls : !wantIssues) continue;
        if (issue.state === 'closed' && !ctx.config.includeClosed) {
          // Closing removes it from the memory; a first scan has nothing to remove.
          if (base !== undefined) deletes.push(ids.issue(fullName, issue.number));
          continue;
        }
        items.push(toIssueItem(fullName, issue));
        if (isPull && ctx.config.includeComments) {
          const reviews = (await octokit.paginate(octokit.rest.pulls.listReviews, {
            owner,
            repo: name,
            pull_number: issue.number,
            per_page: PER_PAGE,
          })) as unknown as ApiReview[];
          for (const r of reviews)
            if (r.submitted_at && later(r.submitted_at, base)) items.push(toReviewItem(fullName, issue.number, r));
        }
      }
      return { items, deletes };
    },
  );
}
