import type { Item } from '@tributary/sdk';
import { MAX_CONTENT_CHARS, MAX_FILES } from './config.js';

/** One changed file of a commit, from `--numstat` (null counts for binary files). */
export interface FileChange {
  path: string;
  insertions: number | null;
  deletions: number | null;
}

/** A commit as `git log` printed it (see `LOG_FORMAT` in client.ts). */
export interface RawCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorDate: string;
  committerName: string;
  committerEmail: string;
  committerDate: string;
  message: string;
  files: FileChange[];
  filesTruncated: boolean;
  /** With `git log --patch`: the patch against the first parent, cut at the caller's limit. */
  patch?: { patch: string; truncated: boolean };
}

const NUMSTAT = /^(\d+|-)\t(\d+|-)\t(.+)$/;
/** What follows the message's closing \x1f in a `--numstat --patch` record: numstat lines, then the patch or the end. */
const NUMSTAT_THEN_PATCH = /\n*(?:(?:\d+|-)\t(?:\d+|-)\t[^\n]*\n)*\n*(?=diff --git |$)/y;

/**
 * Where the message ends in a `--patch` record: the first \x1f (from `pos`) followed by numstat lines and then the
 * patch or the end (a patch may contain \x1f, so the last one is no longer the message's). Returns the message end
 * and the patch start.
 */
function splitPatchRecord(record: string, pos: number): { end: number; patchAt: number } | undefined {
  for (let end = record.indexOf('\x1f', pos); end !== -1; end = record.indexOf('\x1f', end + 1)) {
    NUMSTAT_THEN_PATCH.lastIndex = end + 1;
    if (NUMSTAT_THEN_PATCH.exec(record)) return { end, patchAt: NUMSTAT_THEN_PATCH.lastIndex };
  }
  return undefined;
}

export interface ParseOptions {
  /** The record comes from `git log --patch`: keep the patch, cut at this many characters. */
  maxPatchChars?: number;
}

/**
 * Parses one record of `git log --format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1f --numstat`
 * (without its leading \x1e), optionally with `--patch`. Without a patch the message ends at the last \x1f: numstat
 * lines never contain one.
 * @returns undefined for a record that is not a commit (cut or garbled)
 */
export function parseLogRecord(record: string, opts: ParseOptions = {}): RawCommit | undefined {
  const fields: string[] = [];
  let pos = 0;
  for (let i = 0; i < 8; i++) {
    const next = record.indexOf('\x1f', pos);
    if (next === -1) return undefined;
    fields.push(record.slice(pos, next));
    pos = next + 1;
  }
  let end = record.lastIndexOf('\x1f');
  let patchAt = record.length;
  if (opts.maxPatchChars !== undefined) {
    const split = splitPatchRecord(record, pos);
    end = split?.end ?? end;
    patchAt = split?.patchAt ?? patchAt;
  }
  const message = end >= pos ? record.slice(pos, end) : record.slice(pos);
  const tail = end >= pos ? record.slice(end + 1, patchAt) : '';
  let patch: RawCommit['patch'];
  if (opts.maxPatchChars !== undefined) {
    const text = record.slice(patchAt);
    const truncated = text.length > opts.maxPatchChars;
    patch = { patch: truncated ? text.slice(0, opts.maxPatchChars) : text, truncated };
  }
  const [
    sha = '',
    parents = '',
    authorName = '',
    authorEmail = '',
    authorDate = '',
    committerName = '',
    committerEmail = '',
    committerDate = '',
  ] = fields;
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) return undefined;
  const files: FileChange[] = [];
  let filesTruncated = false;
  for (const line of tail.split('\n')) {
    const m = NUMSTAT.exec(line);
    if (!m) continue;
    if (files.length >= MAX_FILES) {
      filesTruncated = true;
      break;
    }
    files.push({
      path: m[3]!,
      insertions: m[1] === '-' ? null : Number(m[1]),
      deletions: m[2] === '-' ? null : Number(m[2]),
    });
  }
  return {
    sha,
    parents: parents.split(' ').filter((p) => p !== ''),
    authorName,
    authorEmail,
    authorDate,
    committerName,
    committerEmail,
    committerDate,
    message: message.replace(/\n+$/, ''),
    files,
    filesTruncated,
    ...(patch ? { patch } : {}),
  };
}

/**
 * The web address prefix of commits for a remote URL on a known forge (GitHub, GitLab, Codeberg, Bitbucket), else
 * undefined. Credentials in the URL are dropped.
 * @example webCommitBase('git@github.com:acme/app.git') // 'https://github.com/acme/app/commit/'
 */
export function webCommitBase(remote: string): string | undefined {
  let host: string;
  let repoPath: string;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(remote);
  if (/^[a-z+]+:\/\//i.test(remote)) {
    let u: URL;
    try {
      u = new URL(remote);
    } catch {
      return undefined;
    }
    host = u.hostname;
    repoPath = u.pathname;
  } else if (scp) {
    host = scp[1]!;
    repoPath = scp[2]!;
  } else return undefined;
  repoPath = repoPath
    .replace(/^\/+/, '')
    .replace(/\.git\/?$/, '')
    .replace(/\/+$/, '');
  if (!/^[\w.-]+(\/[\w.-]+)+$/.test(repoPath)) return undefined;
  host = host.toLowerCase();
  if (host === 'github.com' || host === 'codeberg.org' || host === 'gitlab.com' || host.startsWith('gitlab.'))
    return `https://${host}/${repoPath}/commit/`;
  if (host === 'bitbucket.org') return `https://${host}/${repoPath}/commits/`;
  return undefined;
}

export interface ToItemContext {
  repoName: string;
  webBase: string | undefined;
  /** Configured branches that contain the commit. */
  branches: string[];
  patch?: { patch: string; truncated: boolean };
}

function fileLine(f: FileChange): string {
  const counts = f.insertions === null ? 'binary' : `+${f.insertions} -${f.deletions ?? 0}`;
  return `${f.path} (${counts})`;
}

/** Maps a commit to an item: id = sha, title = subject, content = message + changed files (+ patch excerpt). */
export function toItem(c: RawCommit, ctx: ToItemContext): Item {
  const subject = c.message.split('\n', 1)[0]?.trim() ?? '';
  let content = c.message;
  if (c.files.length) {
    content += `\n\nFiles changed:\n${c.files.map(fileLine).join('\n')}`;
    if (c.filesTruncated) content += `\n… more files not listed (over ${c.files.length})`;
  }
  if (ctx.patch && ctx.patch.patch.trim() !== '') {
    content += `\n\nPatch${ctx.patch.truncated ? ' (excerpt)' : ''}:\n${ctx.patch.patch.replace(/\n+$/, '')}`;
  }
  if (content.length > MAX_CONTENT_CHARS) content = content.slice(0, MAX_CONTENT_CHARS) + '\n… (cut)';
  const insertions = c.files.reduce((n, f) => n + (f.insertions ?? 0), 0);
  const deletions = c.files.reduce((n, f) => n + (f.deletions ?? 0), 0);
  return {
    externalId: c.sha,
    stream: 'commits',
    content,
    contentType: 'text',
    title: (subject || c.sha.slice(0, 12)).slice(0, 2000),
    ...(ctx.webBase ? { url: ctx.webBase + c.sha } : {}),
    author: `${c.authorName} <${c.authorEmail}>`.slice(0, 512),
    occurredAt: c.authorDate,
    container: ctx.repoName,
    metadata: {
      sha: c.sha,
      parents: c.parents,
      committer: `${c.committerName} <${c.committerEmail}>`,
      committedAt: c.committerDate,
      branches: ctx.branches,
      files: c.files,
      filesTruncated: c.filesTruncated,
      insertions,
      deletions,
      merge: c.parents.length > 1,
    },
  };
}
