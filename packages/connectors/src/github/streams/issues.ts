import { featureOf, type Item, type Page } from '@tributary/sdk';
import { PullRequestsFeatureSchema } from '../config.js';
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
  // The feature's config is read at every run (connector-wide setting, then the source's).
  const pulls = featureOf(ctx, 'pullRequests', PullRequestsFeatureSchema);
  const wantPulls = ctx.features.pullRequests !== false;
  const pullCutoff = pulls.config.maxAgeDays ? ctx.clock.now() - pulls.config.maxAgeDays * 86_400_000 : undefined;
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
        if (isPull && pullCutoff !== undefined && Date.parse(issue.updated_at) < pullCutoff) continue;
        if (issue.state === 'closed' && !ctx.config.includeClosed) {
          // Closing removes it from the memory; a first scan has nothing to remove.
          if (base !== undefined) deletes.push(ids.issue(fullName, issue.number));
          continue;
        }
        items.push(toIssueItem(fullName, issue));
        if (isPull && ctx.config.includeComments && pulls.config.includeReviews) {
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
