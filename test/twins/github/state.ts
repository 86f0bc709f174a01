import { createHash } from 'node:crypto';
import { createLogicalClock, type LogicalClock } from '../kit/index.js';

export interface GhIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  user: string;
  labels: string[];
  created_at: number;
  updated_at: number;
  closed_at?: number;
  /** A pull request (issues and pulls share numbers, and the issues endpoint lists both). */
  pull?: { merged_at?: number; head: string; base: string };
}

export interface GhComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: number;
  updated_at: number;
}

export interface GhReview {
  id: number;
  pull: number;
  body: string;
  state: 'APPROVED' | 'COMMENTED' | 'CHANGES_REQUESTED';
  user: string;
  submitted_at: number;
  commit_id: string;
}

export interface GhReviewComment extends GhComment {
  path: string;
  review_id: number;
  commit_id: string;
}

export interface GhCommit {
  sha: string;
  message: string;
  author: string;
  date: number;
  parents: string[];
  tree: string;
}

export interface GhFile {
  sha: string;
  size: number;
}

/** Git's blob id: sha1 of `blob <size>\0<content>` (so twin ids are real git ids). */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

export class GhRepo {
  issues: GhIssue[] = [];
  comments: GhComment[] = [];
  reviews: GhReview[] = [];
  reviewComments: GhReviewComment[] = [];
  /** Oldest first; the default branch's head is the last. */
  commits: GhCommit[] = [];
  trees = new Map<string, Map<string, GhFile>>();
  blobs = new Map<string, string>();
  topics: string[] = ['twin'];
  default_branch = 'main';
  description = '';
  language = 'TypeScript';
  constructor(
    readonly id: number,
    readonly owner: string,
    readonly name: string,
    readonly isPrivate: boolean,
    public created_at: number,
    public updated_at: number,
    public pushed_at: number,
  ) {}
  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }
  head(): GhCommit | undefined {
    return this.commits.at(-1);
  }
}

/**
 * A GitHub account held in memory: users, repositories with issues, pull requests, comments, reviews, commits and
 * trees. Tests change it between syncs; every change moves the logical clock so `updated_at` increases.
 */
export class GitHubState {
  readonly clock: LogicalClock;
  repos = new Map<string, GhRepo>();
  users = new Map<string, number>();
  tokens = new Map<string, { login: string; state: 'valid' | 'revoked' }>();
  private nextId = 1000;

  constructor(clock: LogicalClock = createLogicalClock()) {
    this.clock = clock;
    this.tokens.set('ghp_twin', { login: 'octo', state: 'valid' });
    this.user('octo');
  }

  id(): number {
    return this.nextId++;
  }

  user(login: string): string {
    if (!this.users.has(login)) this.users.set(login, this.id());
    return login;
  }

  addRepo(owner: string, name: string, opts: { private?: boolean; description?: string } = {}): GhRepo {
    this.user(owner);
    const now = this.clock.now();
    const repo = new GhRepo(this.id(), owner, name, opts.private ?? false, now, now, now);
    repo.description = opts.description ?? `The ${name} project`;
    this.repos.set(repo.fullName.toLowerCase(), repo);
    return repo;
  }

  repo(fullName: string): GhRepo {
    const r = this.repos.get(fullName.toLowerCase());
    if (!r) throw new Error(`twin: no repo ${fullName}`);
    return r;
  }

  private touch(repo: GhRepo): number {
    const now = this.clock.tick();
    repo.updated_at = now;
    return now;
  }

  addIssue(repo: GhRepo, fields: Partial<GhIssue> & { title: string }): GhIssue {
    const now = this.touch(repo);
    const issue: GhIssue = {
      number: repo.issues.length + 1,
      body: '',
      state: 'open',
      user: 'octo',
      labels: [],
      created_at: now,
      updated_at: now,
      ...fields,
    };
    this.user(issue.user);
    repo.issues.push(issue);
    return issue;
  }

  issue(repo: GhRepo, n: number): GhIssue {
    const i = repo.issues.find((x) => x.number === n);
    if (!i) throw new Error(`twin: no issue ${repo.fullName}#${n}`);
    return i;
  }

  editIssue(repo: GhRepo, n: number, fields: Partial<Pick<GhIssue, 'title' | 'body' | 'state' | 'labels'>>): GhIssue {
    const issue = this.issue(repo, n);
    Object.assign(issue, fields);
    issue.updated_at = this.touch(repo);
    if (fields.state === 'closed') issue.closed_at = issue.updated_at;
    return issue;
  }

  deleteIssue(repo: GhRepo, n: number): void {
    repo.issues = repo.issues.filter((i) => i.number !== n);
    repo.comments = repo.comments.filter((c) => c.issue !== n);
    this.touch(repo);
  }

  addComment(repo: GhRepo, n: number, body: string, user = 'octo'): GhComment {
    const now = this.touch(repo);
    const c: GhComment = { id: this.id(), issue: n, body, user: this.user(user), created_at: now, updated_at: now };
    repo.comments.push(c);
    this.issue(repo, n).updated_at = now;
    return c;
  }

  editComment(repo: GhRepo, id: number, body: string): GhComment {
    const c = repo.comments.find((x) => x.id === id);
    if (!c) throw new Error(`twin: no comment ${id}`);
    c.body = body;
    c.updated_at = this.touch(repo);
    return c;
  }

  deleteComment(repo: GhRepo, id: number): void {
    repo.comments = repo.comments.filter((c) => c.id !== id);
    this.touch(repo);
  }

  addReview(repo: GhRepo, pull: number, body: string, state: GhReview['state'] = 'COMMENTED', user = 'octo'): GhReview {
    const now = this.touch(repo);
    const r: GhReview = {
      id: this.id(),
      pull,
      body,
      state,
      user: this.user(user),
      submitted_at: now,
      commit_id: repo.head()?.sha ?? '0'.repeat(40),
    };
    repo.reviews.push(r);
    this.issue(repo, pull).updated_at = now;
    return r;
  }

  addReviewComment(repo: GhRepo, pull: number, review: GhReview, path: string, body: string): GhReviewComment {
    const now = this.touch(repo);
    const c: GhReviewComment = {
      id: this.id(),
      issue: pull,
      body,
      user: review.user,
      created_at: now,
      updated_at: now,
      path,
      review_id: review.id,
      commit_id: review.commit_id,
    };
    repo.reviewComments.push(c);
    this.issue(repo, pull).updated_at = now;
    return c;
  }

  /** Commits file changes to the default branch (`null` removes a path); returns the new head. */
  commit(repo: GhRepo, changes: Record<string, string | null>, message: string, author = 'octo'): GhCommit {
    const now = this.clock.tick();
    const parent = repo.head();
    const files = new Map(parent ? repo.trees.get(parent.tree) : undefined);
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) files.delete(path);
      else {
        const sha = blobSha(content);
        repo.blobs.set(sha, content);
        files.set(path, { sha, size: Buffer.byteLength(content) });
      }
    }
    const tree = sha1(
      [...files.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([p, f]) => `${p}:${f.sha}`)
        .join('\n'),
    );
    repo.trees.set(tree, files);
    const c: GhCommit = {
      sha: sha1(`${tree}\n${parent?.sha ?? ''}\n${message}\n${now}`),
      message,
      author: this.user(author),
      date: now,
      parents: parent ? [parent.sha] : [],
      tree,
    };
    repo.commits.push(c);
    repo.pushed_at = now;
    repo.updated_at = now;
    return c;
  }
}
