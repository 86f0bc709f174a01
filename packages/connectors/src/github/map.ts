import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';

/** Loose shapes of the REST objects we read (Octokit's types are stricter than the twin or GHES sometimes are). */
export interface ApiUser {
  login?: string;
}
export interface ApiRepo {
  full_name: string;
  name: string;
  owner?: ApiUser | null;
  private?: boolean;
  description?: string | null;
  html_url?: string;
  default_branch?: string;
  topics?: string[];
  language?: string | null;
  homepage?: string | null;
  created_at?: string | null;
  archived?: boolean;
}
export interface ApiIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  user?: ApiUser | null;
  labels?: Array<string | { name?: string }>;
  html_url?: string;
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
  comments?: number;
  pull_request?: { merged_at?: string | null; html_url?: string | null };
}
export interface ApiComment {
  id: number;
  body?: string | null;
  user?: ApiUser | null;
  html_url?: string;
  created_at: string;
  updated_at: string;
  issue_url?: string;
  pull_request_url?: string;
  path?: string;
  line?: number | null;
}
export interface ApiReview {
  id: number;
  body?: string | null;
  state: string;
  user?: ApiUser | null;
  html_url?: string;
  submitted_at?: string | null;
}
export interface ApiCommit {
  sha: string;
  html_url?: string;
  commit: { message: string; author?: { name?: string; date?: string } | null };
  author?: ApiUser | null;
}

/** The number at the end of an issue or pull request API url. */
export function numberFromUrl(url: string | undefined): number | undefined {
  const m = /\/(\d+)$/.exec(url ?? '');
  return m ? Number(m[1]) : undefined;
}

const labelNames = (labels: ApiIssue['labels']): string[] =>
  (labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);

/** External ids: stable, readable, and the issue thread shared by an issue and everything said on it. */
export const ids = {
  repo: (repo: string) => repo,
  issue: (repo: string, n: number) => `${repo}#${n}`,
  comment: (repo: string, n: number, id: number) => `${repo}#${n}/comment/${id}`,
  review: (repo: string, n: number, id: number) => `${repo}#${n}/review/${id}`,
  reviewComment: (repo: string, n: number, id: number) => `${repo}#${n}/review-comment/${id}`,
  commit: (repo: string, sha: string) => `${repo}@${sha}`,
  file: (repo: string, path: string) => `${repo}:${path}`,
};

export function toRepoItem(r: ApiRepo): Item {
  const lines = [
    r.description ?? '',
    r.topics?.length ? `Topics: ${r.topics.join(', ')}` : '',
    r.language ? `Language: ${r.language}` : '',
    r.homepage ? `Homepage: ${r.homepage}` : '',
  ];
  return {
    externalId: ids.repo(r.full_name),
    stream: 'repositories',
    title: r.full_name,
    content: lines.filter(Boolean).join('\n'),
    contentType: 'text',
    ...(r.html_url ? { url: r.html_url } : {}),
    ...(r.owner?.login ? { author: r.owner.login } : {}),
    ...(r.created_at ? { occurredAt: r.created_at } : {}),
    container: r.full_name,
    ...(r.topics?.length ? { tags: r.topics } : {}),
    metadata: { private: r.private === true, defaultBranch: r.default_branch, archived: r.archived === true },
  };
}

/** An issue, or a pull request (the issues endpoint lists both; `pull_request` tells them apart). */
export function toIssueItem(repo: string, i: ApiIssue): Item {
  const isPull = i.pull_request !== undefined;
  const labels = labelNames(i.labels);
  const merged = i.pull_request?.merged_at ?? undefined;
  return {
    externalId: ids.issue(repo, i.number),
    stream: isPull ? 'pull-requests' : 'issues',
    title: `#${i.number} ${i.title}`,
    content: i.body ?? '',
    contentType: 'markdown',
    ...(i.html_url ? { url: i.html_url } : {}),
    ...(i.user?.login ? { author: i.user.login } : {}),
    occurredAt: i.created_at,
    container: repo,
    thread: ids.issue(repo, i.number),
    tags: [...labels, merged ? 'merged' : i.state],
    metadata: {
      number: i.number,
      state: i.state,
      updatedAt: i.updated_at,
      closedAt: i.closed_at ?? null,
      comments: i.comments ?? 0,
      ...(isPull ? { mergedAt: merged ?? null } : {}),
    },
  };
}

/** An issue or pull request conversation comment, or (with `path`) a review comment on a diff line. */
export function toCommentItem(repo: string, n: number, c: ApiComment, kind: 'comment' | 'review-comment'): Item {
  return {
    externalId: kind === 'comment' ? ids.comment(repo, n, c.id) : ids.reviewComment(repo, n, c.id),
    stream: 'comments',
    content: c.body ?? '',
    contentType: 'markdown',
    ...(c.html_url ? { url: c.html_url } : {}),
    ...(c.user?.login ? { author: c.user.login } : {}),
    occurredAt: c.created_at,
    container: repo,
    thread: ids.issue(repo, n),
    metadata: { id: c.id, kind, updatedAt: c.updated_at, ...(c.path ? { path: c.path, line: c.line ?? null } : {}) },
  };
}

const REVIEW_STATES: Record<string, string> = {
  APPROVED: 'Approved',
  CHANGES_REQUESTED: 'Changes requested',
  COMMENTED: 'Commented',
  DISMISSED: 'Dismissed',
};

export function toReviewItem(repo: string, n: number, r: ApiReview): Item {
  return {
    externalId: ids.review(repo, n, r.id),
    stream: 'reviews',
    content: r.body || REVIEW_STATES[r.state] || r.state,
    contentType: 'markdown',
    ...(r.html_url ? { url: r.html_url } : {}),
    ...(r.user?.login ? { author: r.user.login } : {}),
    ...(r.submitted_at ? { occurredAt: r.submitted_at } : {}),
    container: repo,
    thread: ids.issue(repo, n),
    tags: [r.state.toLowerCase()],
    metadata: { id: r.id, state: r.state },
  };
}

export function toCommitItem(repo: string, c: ApiCommit): Item {
  const message = c.commit.message;
  const author = c.author?.login ?? c.commit.author?.name;
  return {
    externalId: ids.commit(repo, c.sha),
    stream: 'commits',
    title: message.split('\n', 1)[0]!.slice(0, 2000),
    content: message,
    contentType: 'text',
    ...(c.html_url ? { url: c.html_url } : {}),
    ...(author ? { author } : {}),
    ...(c.commit.author?.date ? { occurredAt: c.commit.author.date } : {}),
    container: repo,
    metadata: { sha: c.sha },
  };
}

const MARKDOWN = new Set(['md', 'mdx', 'markdown', 'rst', 'adoc', 'txt']);
const CODE = new Set([
  'ts',
  'tsx',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'py',
  'go',
  'rs',
  'java',
  'kt',
  'rb',
  'php',
  'c',
  'h',
  'cc',
  'cpp',
  'hpp',
  'cs',
  'swift',
  'scala',
  'sh',
  'sql',
  'yaml',
  'yml',
  'toml',
  'json',
  'css',
  'scss',
  'html',
  'vue',
  'svelte',
]);

const extOf = (path: string): string => {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
};

/** Whether `contentTypes` (markdown, code, or `.ext` entries) selects a path. */
export function wantsFile(path: string, contentTypes: string[]): boolean {
  const ext = extOf(path);
  if (!ext) return false;
  return contentTypes.some((t) =>
    t === 'markdown' ? MARKDOWN.has(ext) : t === 'code' ? CODE.has(ext) : t.replace(/^\./, '').toLowerCase() === ext,
  );
}

export function toFileItem(repo: string, branch: string, path: string, sha: string, content: string): Item {
  const ext = extOf(path);
  return {
    externalId: ids.file(repo, path),
    stream: 'files',
    title: path,
    content,
    contentType: MARKDOWN.has(ext) ? 'markdown' : 'code',
    url: `https://github.com/${repo}/blob/${branch}/${path.split('/').map(encodeURIComponent).join('/')}`,
    container: repo,
    metadata: { path, sha, extension: ext, branch },
  };
}

/** A short digest of an item, to yield the repository item only when it changed. */
export function digest(item: Item): string {
  return createHash('sha256').update(JSON.stringify(item)).digest('hex').slice(0, 16);
}
