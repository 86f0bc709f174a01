import type { Item, Page, ReadContext } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk';
import type { GitCheckpoint } from './checkpoint.js';
import type { GitConfig } from './config.js';
import {
  checkPatterns,
  commitExists,
  currentBranch,
  logCommits,
  notReachableFrom,
  type LogSelection,
  openRepo,
  resolveBranches,
  revList,
  type Repo,
} from './client.js';
import { toItem, type RawCommit } from './map.js';

type Ctx = ReadContext<GitConfig, GitCheckpoint>;

/** The pass a read runs: from the synced `tips` to the `targets`, with its bounds (kept in the checkpoint). */
interface Pass {
  tips: Record<string, string>;
  targets: Record<string, string>;
  sinceTs: number | undefined;
  deletesDone: boolean;
  lastSha: string | undefined;
}

function uniq(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** Which branches this source reads: the configured ones, else the ones pinned by the checkpoint, else HEAD's. */
async function branchesToRead(ctx: Ctx, repo: Repo): Promise<string[]> {
  if (ctx.config.branches.length) return uniq(ctx.config.branches);
  const pinned = Object.keys(ctx.checkpoint?.targets ?? ctx.checkpoint?.tips ?? {});
  if (pinned.length) return pinned;
  const head = await currentBranch(repo, ctx.signal);
  return head ? [head] : [];
}

async function planPass(ctx: Ctx, repo: Repo): Promise<Pass> {
  const cp = ctx.checkpoint;
  const tips = cp?.tips ?? {};
  for (const sha of uniq(Object.values(tips))) {
    if (!(await commitExists(repo, sha, ctx.signal))) {
      throw new TributaryError(
        'cursor_invalid',
        `The last synced commit ${sha} no longer exists in "${repo.dir}" (history rewritten and garbage-collected?); a full re-sync is needed.`,
      );
    }
  }
  if (cp?.targets) {
    return {
      tips,
      targets: cp.targets,
      sinceTs: cp.sinceTs,
      deletesDone: cp.deletesDone ?? false,
      lastSha: cp.lastSha,
    };
  }
  const branches = await branchesToRead(ctx, repo);
  const targets = await resolveBranches(repo, branches, ctx.signal);
  let sinceTs: number | undefined;
  if (!cp) {
    const since =
      ctx.since ??
      (ctx.config.backfillDays ? new Date(ctx.clock.now() - ctx.config.backfillDays * 86_400_000) : undefined);
    if (since) sinceTs = Math.floor(since.getTime() / 1000);
  }
  return { tips, targets, sinceTs, deletesDone: false, lastSha: undefined };
}

function sameTips(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function passCheckpoint(p: Pass, extra: Partial<GitCheckpoint>): GitCheckpoint {
  return {
    tips: p.tips,
    targets: p.targets,
    deletesDone: p.deletesDone,
    ...(p.sinceTs !== undefined ? { sinceTs: p.sinceTs } : {}),
    ...extra,
  };
}

/**
 * Reads commits: first the deletions (commits reachable from the old tips but from no target any more — a force
 * push), then the new commits oldest-first in pages. Each page's checkpoint lets a resume skip what was yielded.
 */
export async function* readCommits(ctx: Ctx): AsyncGenerator<Page<GitCheckpoint>> {
  const repo = await openRepo(ctx.config.rootDir, ctx.signal);
  checkPatterns(repo, ctx.config.patterns);
  const pass = await planPass(ctx, repo);
  if (Object.keys(pass.targets).length === 0 || (sameTips(pass.tips, pass.targets) && !ctx.checkpoint?.targets)) {
    yield { items: [], checkpoint: { tips: Object.keys(pass.targets).length ? pass.targets : pass.tips } };
    return;
  }
  const pageSize = ctx.config.pageSize;
  const oldTips = uniq(Object.values(pass.tips));
  const newTips = uniq(Object.values(pass.targets));

  if (!pass.deletesDone && oldTips.length) {
    let deletes: string[] = [];
    for await (const sha of revList(repo, {
      include: oldTips,
      exclude: newTips,
      patterns: ctx.config.patterns,
      signal: ctx.signal,
    })) {
      deletes.push(sha);
      if (deletes.length >= pageSize) {
        yield { deletes, checkpoint: passCheckpoint(pass, {}) };
        deletes = [];
      }
    }
    pass.deletesDone = true;
    if (deletes.length) yield { deletes, checkpoint: passCheckpoint(pass, {}) };
  }

  const range = {
    include: newTips,
    exclude: oldTips,
    patterns: ctx.config.patterns,
    reverse: true,
    maxCount: ctx.config.maxCommits,
    sinceTs: pass.sinceTs,
    signal: ctx.signal,
  };
  // A fresh pass is ONE `git log` over the range. A resume lists the pass again with the cheap `git rev-list` (same
  // walk, same order), drops what was yielded up to `lastSha`, and prints the rest with one `git log`. If the
  // resume point is not found (the config changed in between), the pass is read again from its start: the engine
  // recognises what it already has.
  let selection: LogSelection = { range };
  if (pass.lastSha !== undefined) {
    const rest = await commitsAfter(revList(repo, range), pass.lastSha);
    if (rest === undefined) {
      ctx.logger.warn('git: resume point not found in the pass; reading the pass again from its start', {
        lastSha: pass.lastSha,
      });
    } else selection = { shas: rest };
  }

  let done = 0;
  let batch: RawCommit[] = [];
  const emitPage = async (): Promise<Page<GitCheckpoint>> => {
    const items = await toItems(ctx, repo, pass, batch);
    const lastSha = batch[batch.length - 1]!.sha;
    batch = [];
    done += items.length;
    ctx.progress({ phase: 'commits', done });
    return { items, checkpoint: passCheckpoint(pass, { lastSha }) };
  };
  for await (const commit of logCommits(repo, selection, ctx.signal, { patches: ctx.features.diffs === true })) {
    batch.push(commit);
    if (batch.length >= pageSize) {
      yield await emitPage();
      if (ctx.signal.aborted) return;
    }
  }
  const final = batch.length ? await emitPage() : { items: [] as Item[] };
  yield { ...final, checkpoint: { tips: pass.targets } };
}

/** The shas after `lastSha` in a listing (newline-joined, for git's stdin), or undefined when it is not there. */
async function commitsAfter(shas: AsyncIterable<string>, lastSha: string): Promise<string | undefined> {
  let found = false;
  const rest: string[] = [];
  for await (const sha of shas) {
    if (found) rest.push(sha);
    else found = sha === lastSha;
  }
  return found ? rest.join('\n') + '\n' : undefined;
}

async function toItems(ctx: Ctx, repo: Repo, pass: Pass, commits: RawCommit[]): Promise<Item[]> {
  const shas = commits.map((c) => c.sha);
  const branchNames = Object.keys(pass.targets);
  const missingFrom = new Map<string, Set<string>>();
  if (branchNames.length > 1) {
    for (const b of branchNames) {
      missingFrom.set(b, await notReachableFrom(repo, shas, pass.targets[b]!, Object.values(pass.tips), ctx.signal));
    }
  }
  return commits.map((c) => {
    const branches = branchNames.filter((b) => !missingFrom.get(b)?.has(c.sha));
    return toItem(c, { repoName: repo.name, webBase: repo.webBase, branches, ...(c.patch ? { patch: c.patch } : {}) });
  });
}
