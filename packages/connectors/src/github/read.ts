import type { Octokit } from '@octokit/rest';
import { abortError, type Page } from '@tributary/sdk';
import { GITHUB_CHECKPOINT, repoKey, RepoCursorSchema, type GithubCheckpoint, type RepoCursor } from './checkpoint.js';
import { createOctokit, githubToken, toGithubError } from './client.js';
import { digest, toRepoItem, type ApiRepo } from './map.js';
import { readComments, readReviewComments } from './streams/comments.js';
import { branchHead, readCommits } from './streams/commits.js';
import { readFiles } from './streams/files.js';
import { readIssues } from './streams/issues.js';
import { page, type GithubReadContext, type RepoRun } from './streams/run.js';

/** The repositories the config names: `owner/name` entries as they are, `owner/*` listed (sorted, de-duplicated). */
export async function resolveRepos(
  octokit: Octokit,
  ctx: { config: GithubReadContext['config']; logger: GithubReadContext['logger'] },
): Promise<ApiRepo[]> {
  const found = new Map<string, ApiRepo>();
  for (const ref of ctx.config.repos) {
    const [owner, name] = ref.split('/') as [string, string];
    let repos: ApiRepo[];
    try {
      if (name !== '*') repos = [(await octokit.rest.repos.get({ owner, repo: name })).data as unknown as ApiRepo];
      else if (ctx.config.includePrivate) {
        const mine = (await octokit.paginate(octokit.rest.repos.listForAuthenticatedUser, {
          per_page: 100,
        })) as unknown as ApiRepo[];
        repos = mine.filter((r) => r.owner?.login?.toLowerCase() === owner.toLowerCase());
      } else
        repos = (await octokit.paginate(octokit.rest.repos.listForUser, {
          username: owner,
          per_page: 100,
        })) as unknown as ApiRepo[];
    } catch (err) {
      throw toGithubError(err, `Reading ${ref}`);
    }
    for (const r of repos) {
      if (r.private && !ctx.config.includePrivate) {
        ctx.logger.info('skipping a private repository (includePrivate is off)', { repo: r.full_name });
        continue;
      }
      found.set(r.full_name.toLowerCase(), r);
    }
  }
  return [...found.values()].sort((a, b) => a.full_name.toLowerCase().localeCompare(b.full_name.toLowerCase()));
}

/** The earliest time a first scan reads: the backfill window or maxAgeDays, whichever is shorter. */
function firstSince(ctx: GithubReadContext): string | undefined {
  const bounds = [
    ctx.since?.getTime(),
    ctx.config.maxAgeDays ? ctx.clock.now() - ctx.config.maxAgeDays * 86_400_000 : undefined,
  ].filter((x): x is number => x !== undefined);
  return bounds.length ? new Date(Math.max(...bounds)).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

/** Streams a webhook hint can narrow a read to. */
type HintStream = 'repositories' | 'issues' | 'comments' | 'commits' | 'files';

/** One repository: metadata (when it changed), issues and pull requests with reviews, comments, commits, files. */
async function* readRepo(run: RepoRun, only: string | undefined): AsyncGenerator<Page<GithubCheckpoint>> {
  const { ctx } = run;
  const wants = (s: HintStream): boolean => only === undefined || only === s;
  if (wants('repositories')) {
    const item = toRepoItem(run.repo);
    const d = digest(item);
    if (run.cursor.meta !== d) {
      run.cursor.meta = d;
      yield page(run, [item]);
    }
  }
  if (wants('issues')) yield* readIssues(run);
  if (ctx.config.includeComments && (wants('comments') || wants('issues'))) {
    yield* readComments(run);
    yield* readReviewComments(run);
  }
  const wantCommits = ctx.features.commits !== false && wants('commits');
  const wantFiles = ctx.features.files !== false && wants('files');
  if (!wantCommits && !wantFiles) return;
  const head = await branchHead(run);
  if (!head) return;
  if (wantCommits) yield* readCommits(run, head.sha);
  if (wantFiles) yield* readFiles(run, head.tree, head.branch);
}

/**
 * Reads every configured repository from its cursors. A webhook's hints narrow the read to one repository and
 * stream, and carry deletions the signed delivery announced.
 */
export async function* readGithub(ctx: GithubReadContext): AsyncGenerator<Page<GithubCheckpoint>> {
  if (ctx.signal.aborted) return;
  const octokit = createOctokit(ctx, githubToken(await ctx.credentials.get()));
  // A full refresh starts without a checkpoint (and an empty state); a retried one gets the checkpoint it
  // committed, with its state, and resumes. A run without a checkpoint reads no state before its first commit
  // (the engine clears the old records in that commit).
  let stateReady = ctx.checkpoint !== undefined;
  const hintedRepo = typeof ctx.hints.repo === 'string' ? ctx.hints.repo.toLowerCase() : undefined;
  const hintedStream = typeof ctx.hints.stream === 'string' ? ctx.hints.stream : undefined;
  const repos = (await resolveRepos(octokit, ctx)).filter(
    (r) => !hintedRepo || r.full_name.toLowerCase() === hintedRepo,
  );
  const since = firstSince(ctx);
  const deletes = Array.isArray(ctx.hints.deletes)
    ? ctx.hints.deletes.filter((d): d is string => typeof d === 'string' && d.length > 0)
    : [];
  if (deletes.length) {
    yield { items: [], deletes, checkpoint: { ...GITHUB_CHECKPOINT } };
    stateReady = true;
  }
  for (const repo of repos) {
    if (ctx.signal.aborted) return;
    const key = repoKey(repo.full_name);
    const stored = stateReady ? RepoCursorSchema.safeParse(await ctx.state.get(key)) : undefined;
    const cursor: RepoCursor = stored?.success ? stored.data : {};
    const [owner, name] = repo.full_name.split('/') as [string, string];
    const run: RepoRun = { ctx, octokit, repo, owner, name, fullName: repo.full_name, cursor, key, firstSince: since };
    try {
      for await (const p of readRepo(run, hintedStream)) {
        yield p;
        stateReady = true;
      }
    } catch (err) {
      // Octokit reports an aborted fetch as a 500 RequestError: a pause is not an upstream failure.
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      throw toGithubError(err, `Reading ${repo.full_name}`);
    }
  }
}
