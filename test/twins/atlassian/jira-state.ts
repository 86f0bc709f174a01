import { createLogicalClock, type LogicalClock } from '../kit/index.js';

export interface TwinUser {
  accountId: string;
  displayName: string;
  emailAddress?: string;
}

export interface TwinComment {
  id: string;
  author: string;
  body: unknown;
  created: number;
  updated: number;
}

export interface TwinChange {
  id: string;
  author: string;
  created: number;
  items: Array<{ field: string; fromString: string | null; toString: string | null }>;
}

export interface TwinIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  description: unknown;
  status: string;
  issuetype: string;
  priority: string;
  labels: string[];
  assignee: string | null;
  reporter: string;
  created: number;
  updated: number;
  comments: TwinComment[];
  changelog: TwinChange[];
  attachments: Array<{ id: string; filename: string; mimeType: string }>;
}

export interface TwinProject {
  id: string;
  key: string;
  name: string;
}

export type TokenState = 'valid' | 'expired' | 'revoked';

/**
 * The state behind the Jira twin: a site with projects, issues (ADF descriptions, comments, changelog, attachments),
 * users, API tokens (Basic `email:token`) and OAuth access tokens for `api.atlassian.com/ex/jira/{cloudId}`.
 */
export class JiraState {
  readonly clock: LogicalClock;
  /** The API user's time zone: JQL dates are read in it. */
  timeZone = 'Europe/Berlin';
  readonly cloudId = '11111111-2222-4333-8444-555555555555';
  siteUrl = 'https://twin.atlassian.net';
  readonly users = new Map<string, TwinUser>();
  readonly projects: TwinProject[] = [];
  readonly issues = new Map<string, TwinIssue>();
  /** `email:api-token` pairs for Basic auth. */
  readonly apiTokens = new Map<string, TokenState>([['ada@example.com:jira-token', 'valid']]);
  /** OAuth 2.0 (3LO) access tokens. */
  readonly oauthTokens = new Map<string, TokenState>();
  private seq = { issue: 10_000, comment: 20_000, change: 30_000, attachment: 40_000 };
  private perProject = new Map<string, number>();

  constructor(clock: LogicalClock = createLogicalClock()) {
    this.clock = clock;
  }

  addUser(u: TwinUser): TwinUser {
    this.users.set(u.accountId, u);
    return u;
  }

  addProject(key: string, name: string): TwinProject {
    const p = { id: String(10_000 + this.projects.length), key, name };
    this.projects.push(p);
    return p;
  }

  /** A new issue; seeded issues are a minute apart, as on a real site (JQL compares minutes). */
  addIssue(i: Partial<TwinIssue> & { project: string; summary: string; reporter: string }): TwinIssue {
    const now = this.clock.tick(60_000);
    const n = (this.perProject.get(i.project) ?? 0) + 1;
    this.perProject.set(i.project, n);
    const issue: TwinIssue = {
      id: String(++this.seq.issue),
      key: `${i.project}-${n}`,
      description: null,
      status: 'To Do',
      issuetype: 'Task',
      priority: 'Medium',
      labels: [],
      assignee: null,
      created: now,
      updated: now,
      comments: [],
      changelog: [],
      attachments: [],
      ...i,
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  issue(idOrKey: string): TwinIssue | undefined {
    const byId = this.issues.get(idOrKey);
    if (byId) return byId;
    for (const i of this.issues.values()) if (i.key === idOrKey) return i;
    return undefined;
  }

  /** An edit: fields change, `updated` moves, and the changelog records each field changed. */
  edit(
    id: string,
    author: string,
    change: Partial<Pick<TwinIssue, 'summary' | 'description' | 'status' | 'labels' | 'assignee' | 'priority'>>,
  ): TwinIssue {
    const issue = this.issues.get(id)!;
    const now = this.clock.tick(1000);
    const items = Object.entries(change).map(([field, value]) => ({
      field,
      fromString:
        field === 'description'
          ? null
          : JSON.stringify((issue as unknown as Record<string, unknown>)[field] ?? null).replace(/^"|"$/g, ''),
      toString: field === 'description' ? null : JSON.stringify(value ?? null).replace(/^"|"$/g, ''),
    }));
    Object.assign(issue, change);
    issue.updated = now;
    issue.changelog.push({ id: String(++this.seq.change), author, created: now, items });
    return issue;
  }

  /** A comment: Jira moves the issue's `updated` too. */
  comment(id: string, author: string, body: unknown): TwinComment {
    const issue = this.issues.get(id)!;
    const now = this.clock.tick(1000);
    const c = { id: String(++this.seq.comment), author, body, created: now, updated: now };
    issue.comments.push(c);
    issue.updated = now;
    return c;
  }

  removeComment(id: string, commentId: string): void {
    const issue = this.issues.get(id)!;
    issue.comments = issue.comments.filter((c) => c.id !== commentId);
    issue.updated = this.clock.tick(1000);
  }

  attach(id: string, filename: string, mimeType = 'image/png'): void {
    this.issues.get(id)!.attachments.push({ id: String(++this.seq.attachment), filename, mimeType });
  }

  /** Deletes an issue: it vanishes from search and answers 404 (no tombstone in the API). */
  remove(id: string): void {
    this.issues.delete(id);
  }
}
