import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { TributaryError, isInside } from '@tributary/sdk';
import { gitOk, runGit, streamGit } from './process.js';
import { MAX_PATCH_CHARS } from './config.js';
import { parseLogRecord, webCommitBase, type RawCommit } from './map.js';
import { readAheadGit } from './read-ahead.js';

/** An opened, validated repository. */
export interface Repo {
  /** Real path of the work tree top level (or of a bare repository). */
  dir: string;
  /** Repository name: the folder name without `.git`. */
  name: string;
  /** `https://host/owner/repo/commit/` when the origin remote is a known forge, else undefined. */
  webBase: string | undefined;
}

/**
 * Opens `rootDir` as a repository: it must exist, be a directory and be the repository's top level (a folder inside
 * a repository, or a folder under a parent repository, is refused so reads never leave the configured root).
 * @throws TributaryError `invalid_config` (missing, not a directory, not a repository, not its top level)
 */
export async function openRepo(rootDir: string, signal?: AbortSignal): Promise<Repo> {
  let real: string;
  try {
    real = realpathSync(rootDir);
  } catch {
    throw new TributaryError(
      'invalid_config',
      `rootDir "${rootDir}" does not exist: set it to the folder of a git repository.`,
      { issues: [{ path: 'config.rootDir', message: 'does not exist' }] },
    );
  }
  if (!statSync(real).isDirectory()) {
    throw new TributaryError(
      'invalid_config',
      `rootDir "${rootDir}" is a file, not a folder: set it to the folder of a git repository.`,
      { issues: [{ path: 'config.rootDir', message: 'not a directory' }] },
    );
  }
  const r = await runGit(real, ['rev-parse', '--is-bare-repository', '--absolute-git-dir'], { signal });
  if (r.code !== 0) {
    throw new TributaryError(
      'invalid_config',
      `rootDir "${rootDir}" is not a git repository (git: ${r.stderr.trim().split('\n')[0] ?? ''}). Run \`git init\` there or point rootDir at a clone.`,
      { issues: [{ path: 'config.rootDir', message: 'not a git repository' }] },
    );
  }
  const [bare, gitDir] = r.stdout.split('\n');
  const top = bare === 'true' ? undefined : await runGit(real, ['rev-parse', '--show-toplevel'], { signal });
  if (top && top.code !== 0) {
    throw new TributaryError(
      'invalid_config',
      `rootDir "${rootDir}" is a repository's internal folder: set rootDir to the folder that holds \`.git\`.`,
      { issues: [{ path: 'config.rootDir', message: 'not the top level of a repository' }] },
    );
  }
  const repoDir = top ? top.stdout.trim() : (gitDir ?? real);
  if (realpathSync(repoDir) !== real) {
    const where = isInside(realpathSync(repoDir), real)
      ? `is inside the repository "${repoDir}"`
      : `belongs to the repository "${repoDir}"`;
    throw new TributaryError(
      'invalid_config',
      `rootDir "${rootDir}" ${where}: set rootDir to the repository's top-level folder.`,
      { issues: [{ path: 'config.rootDir', message: 'not the top level of a repository' }] },
    );
  }
  const remote = await runGit(real, ['config', '--get', 'remote.origin.url'], { signal });
  const name = path.basename(real).replace(/\.git$/, '') || 'repository';
  return { dir: real, name, webBase: remote.code === 0 ? webCommitBase(remote.stdout.trim()) : undefined };
}

/** The branch checked out (`HEAD` when detached), or undefined in a repository without commits. */
export async function currentBranch(repo: Repo, signal?: AbortSignal): Promise<string | undefined> {
  const sym = await runGit(repo.dir, ['symbolic-ref', '--short', '-q', 'HEAD'], { signal });
  const name = sym.code === 0 ? sym.stdout.trim() : 'HEAD';
  return (await resolveRef(repo, name, signal)) === undefined ? undefined : name;
}

/** The commit a branch (or any ref) points at, or undefined when it does not exist. */
export async function resolveRef(repo: Repo, ref: string, signal?: AbortSignal): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined; // never let a config value become a git option
  const r = await runGit(repo.dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    signal,
  });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Whether a commit object still exists (a force-pushed-away tip may have been garbage-collected). */
export async function commitExists(repo: Repo, sha: string, signal?: AbortSignal): Promise<boolean> {
  const r = await runGit(repo.dir, ['cat-file', '-e', `${sha}^{commit}`], { signal });
  return r.code === 0;
}

/** Resolves every branch to its tip. @throws TributaryError `invalid_config` naming the missing branches */
export async function resolveBranches(
  repo: Repo,
  branches: string[],
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const tips: Record<string, string> = {};
  const missing: string[] = [];
  for (const b of branches) {
    const sha = await resolveRef(repo, b, signal);
    if (sha) tips[b] = sha;
    else missing.push(b);
  }
  if (missing.length) {
    const known = (await listBranches(repo, signal)).map((x) => x.name).slice(0, 20);
    throw new TributaryError(
      'invalid_config',
      `Branch${missing.length > 1 ? 'es' : ''} not found in "${repo.dir}": ${missing.join(', ')}. Known branches: ${known.join(', ') || '(none)'}.`,
      {
        issues: missing.map((m) => ({ path: 'config.branches', message: `${m}: not found` })),
      },
    );
  }
  return tips;
}

export interface BranchInfo {
  name: string;
  sha: string;
  updatedAt: string;
  remote: boolean;
}

/** Local and remote-tracking branches. */
export async function listBranches(repo: Repo, signal?: AbortSignal): Promise<BranchInfo[]> {
  const out = await gitOk(
    repo.dir,
    ['for-each-ref', '--format=%(refname)%1f%(objectname)%1f%(committerdate:iso-strict)', 'refs/heads', 'refs/remotes'],
    { signal },
  );
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [ref = '', sha = '', updatedAt = ''] = line.split('\x1f');
      const remote = ref.startsWith('refs/remotes/');
      return { name: ref.replace(/^refs\/(heads|remotes)\//, ''), sha, updatedAt, remote };
    })
    .filter((b) => !b.name.endsWith('/HEAD'));
}

/** Rejects pathspecs that climb out of the repository. @throws TributaryError `path_outside_root` */
export function checkPatterns(repo: Repo, patterns: string[]): void {
  for (const p of patterns) {
    const plain = p.replace(/^:(\([^)]*\)|[!^/]*)/, '');
    if (path.isAbsolute(plain) || !isInside(repo.dir, path.resolve(repo.dir, plain))) {
      throw new TributaryError(
        'path_outside_root',
        `Pattern "${p}" points outside the repository "${repo.dir}": use paths relative to the repository root.`,
        { issues: [{ path: 'config.patterns', message: 'outside the repository' }] },
      );
    }
  }
}

export interface RevListOptions {
  include: string[];
  exclude: string[];
  patterns: string[];
  reverse?: boolean;
  maxCount?: number;
  /** Unix seconds: skip commits with an older commit date. */
  sinceTs?: number;
  signal?: AbortSignal;
}

/** Streams `git rev-list` shas one by one (revisions go through stdin, so any number of tips fits). */
export function revList(repo: Repo, o: RevListOptions): AsyncGenerator<string> {
  const args = ['rev-list', '--topo-order', '--stdin'];
  if (o.reverse) args.push('--reverse');
  if (o.maxCount !== undefined) args.push(`--max-count=${o.maxCount}`);
  if (o.sinceTs !== undefined) args.push(`--max-age=${o.sinceTs}`);
  const input = [...o.include, ...o.exclude.map((s) => `^${s}`)].join('\n') + '\n';
  if (o.patterns.length) args.push('--', ...o.patterns);
  return streamGit(repo.dir, args, '\n', { signal: o.signal, input, maxRecordChars: 200 });
}

const LOG_FORMAT = '--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1f';
const RECORD_START = /^[0-9a-f]{40}([0-9a-f]{24})?\x1f/;

/** Which commits {@link logCommits} prints: a revision range (as for {@link revList}), or listed shas in order. */
export type LogSelection = { range: RevListOptions } | { shas: string };

/** Where a commit's patch starts in a `git log -p` record (after the message's \x1f and the numstat lines). */
const PATCH_MARKERS = ['\x1f\n', '\ndiff --git '];
/** A record continued by pieces (a \x1e inside a message or a patch) stops growing past this. */
const MAX_RECORD_CHARS = 2_000_000;

/**
 * Streams commit details (message, people, dates, parents, numstat; with `patches`, the patch against the first
 * parent, cut at MAX_PATCH_CHARS) from ONE `git log` process, parsed record by record as git prints them, read
 * ahead by a worker thread with backpressure (see read-ahead.ts). A range walks the history in the same order as
 * {@link revList} with the same options; `shas` (newline-separated) prints exactly those commits in that order.
 */
export async function* logCommits(
  repo: Repo,
  sel: LogSelection,
  signal?: AbortSignal,
  opts: { patches?: boolean } = {},
): AsyncGenerator<RawCommit> {
  const args = ['log', LOG_FORMAT, '--numstat', '--diff-merges=first-parent', '--no-renames', '--no-ext-diff'];
  args.push('--no-textconv', '--stdin');
  // With patches, the same process prints each commit's patch after its numstat; the worker keeps only the first
  // MAX_PATCH_CHARS (+1, to tell a cut) of it, so a huge commit never reaches this thread.
  if (opts.patches) args.push('--patch');
  const parse = (record: string): RawCommit | undefined =>
    parseLogRecord(record, opts.patches ? { maxPatchChars: MAX_PATCH_CHARS } : {});
  let input: string;
  if ('shas' in sel) {
    args.push('--no-walk=unsorted');
    input = sel.shas;
  } else {
    const o = sel.range;
    args.push('--topo-order');
    if (o.reverse) args.push('--reverse');
    if (o.maxCount !== undefined) args.push(`--max-count=${o.maxCount}`);
    if (o.sinceTs !== undefined) args.push(`--max-age=${o.sinceTs}`);
    input = [...o.include, ...o.exclude.map((s) => `^${s}`)].join('\n') + '\n';
    // --full-diff: the patterns choose commits; the files listed stay all of the commit's files.
    if (o.patterns.length) args.push('--full-diff', '--', ...o.patterns);
  }
  const cut = opts.patches ? { markers: PATCH_MARKERS, keep: MAX_PATCH_CHARS + 2 } : undefined;
  let pending: string | undefined;
  const pieces = readAheadGit(repo.dir, args, '\x1e', { signal, input, maxRecordChars: MAX_RECORD_CHARS, cut });
  for await (const piece of pieces) {
    // A message or a patch may itself contain \x1e: a piece that does not start with "<sha>\x1f" continues the record.
    if (pending !== undefined && !RECORD_START.test(piece)) {
      if (pending.length < MAX_RECORD_CHARS) pending += '\x1e' + piece;
      continue;
    }
    const c = pending === undefined ? undefined : parse(pending);
    pending = piece;
    if (c) yield c;
  }
  const c = pending === undefined ? undefined : parse(pending);
  if (c) yield c;
}

/**
 * Which of `shas` are NOT reachable from `ref`: `git rev-list <shas> ^ref ^exclude…`, kept to the batch. The walk
 * stops at `ref` and at the already-synced tips, so it is bounded by the commits of this sync.
 */
export async function notReachableFrom(
  repo: Repo,
  shas: string[],
  ref: string,
  exclude: string[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const batch = new Set(shas);
  const out = new Set<string>();
  for await (const sha of revList(repo, { include: shas, exclude: [ref, ...exclude], patterns: [], signal })) {
    if (batch.has(sha)) out.add(sha);
  }
  return out;
}
