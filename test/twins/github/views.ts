import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { GhComment, GhCommit, GhIssue, GhRepo, GhReview, GhReviewComment, GitHubState } from './state.js';

let specCache: any;

/** GitHub's OpenAPI description, from `@octokit/openapi` (parsed once per process). */
export function githubSpec(): any {
  if (!specCache) {
    const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
    specCache = JSON.parse(readFileSync(file, 'utf8'));
  }
  return specCache;
}

/** A deep copy of one of the spec's `components.examples` (first element for list examples). */
function example(name: string): any {
  const value = githubSpec().components.examples[name]?.value;
  if (value === undefined) throw new Error(`no example ${name} in the GitHub OpenAPI description`);
  return structuredClone(Array.isArray(value) ? value[0] : value);
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Builds response objects from the spec's own examples with the twin's data written over them, so every field
 * GitHub documents is present with its documented type, and the values tests care about are the twin's.
 */
export class GithubViews {
  constructor(
    private readonly state: GitHubState,
    private readonly base: string,
  ) {}

  user(login: string): any {
    const u = example('simple-user-items');
    const url = `${this.base}/users/${login}`;
    return {
      ...u,
      login,
      id: this.state.users.get(login) ?? 1,
      node_id: `U_${login}`,
      url,
      html_url: `https://github.com/${login}`,
      repos_url: `${url}/repos`,
    };
  }

  authenticated(login: string): any {
    return {
      ...example('private-user-response-with-public-and-private-profile-information'),
      login,
      id: this.state.users.get(login) ?? 1,
      url: `${this.base}/users/${login}`,
      html_url: `https://github.com/${login}`,
    };
  }

  private repoFields(r: GhRepo): any {
    const url = `${this.base}/repos/${r.fullName}`;
    return {
      id: r.id,
      node_id: `R_${r.id}`,
      name: r.name,
      full_name: r.fullName,
      owner: this.user(r.owner),
      private: r.isPrivate,
      visibility: r.isPrivate ? 'private' : 'public',
      description: r.description,
      url,
      html_url: `https://github.com/${r.fullName}`,
      default_branch: r.default_branch,
      topics: r.topics,
      language: r.language,
      created_at: iso(r.created_at),
      updated_at: iso(r.updated_at),
      pushed_at: iso(r.pushed_at),
      open_issues_count: r.issues.filter((i) => i.state === 'open').length,
    };
  }

  fullRepo(r: GhRepo): any {
    const out = { ...example('full-repository-default-response'), ...this.repoFields(r) };
    for (const k of ['organization', 'parent', 'source', 'template_repository']) delete out[k];
    out.open_issues = out.open_issues_count;
    return out;
  }

  minimalRepo(r: GhRepo): any {
    return { ...example('minimal-repository-items'), ...this.repoFields(r) };
  }

  repository(r: GhRepo): any {
    const out = { ...example('repository-items-default-response'), ...this.repoFields(r) };
    delete out.template_repository;
    return out;
  }

  issue(r: GhRepo, i: GhIssue): any {
    const url = `${this.base}/repos/${r.fullName}/issues/${i.number}`;
    const out = {
      ...example('issue-items'),
      id: r.id * 100_000 + i.number,
      node_id: `I_${r.id}_${i.number}`,
      url,
      repository_url: `${this.base}/repos/${r.fullName}`,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `https://github.com/${r.fullName}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.state === 'closed' ? 'completed' : null,
      title: i.title,
      body: i.body,
      user: this.user(i.user),
      labels: i.labels.map((name, k) => ({
        id: k + 1,
        node_id: `L_${k}`,
        url: `${this.base}/repos/${r.fullName}/labels/${name}`,
        name,
        description: null,
        color: 'ededed',
        default: false,
      })),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      comments: r.comments.filter((c) => c.issue === i.number).length,
      closed_at: iso(i.closed_at),
      closed_by: null,
      created_at: iso(i.created_at),
      updated_at: iso(i.updated_at),
      author_association: 'OWNER',
    };
    delete out.pinned_comment;
    if (i.pull) {
      out.pull_request = {
        url: `${this.base}/repos/${r.fullName}/pulls/${i.number}`,
        html_url: `https://github.com/${r.fullName}/pull/${i.number}`,
        diff_url: `https://github.com/${r.fullName}/pull/${i.number}.diff`,
        patch_url: `https://github.com/${r.fullName}/pull/${i.number}.patch`,
        merged_at: iso(i.pull.merged_at),
      };
    } else delete out.pull_request;
    return out;
  }

  comment(r: GhRepo, c: GhComment): any {
    return {
      ...example('issue-comment-items'),
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.base}/repos/${r.fullName}/issues/comments/${c.id}`,
      html_url: `https://github.com/${r.fullName}/issues/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.base}/repos/${r.fullName}/issues/${c.issue}`,
      body: c.body,
      user: this.user(c.user),
      created_at: iso(c.created_at),
      updated_at: iso(c.updated_at),
      author_association: 'CONTRIBUTOR',
    };
  }

  review(r: GhRepo, v: GhReview): any {
    const out = example('pull-request-review-items');
    const html = `https://github.com/${r.fullName}/pull/${v.pull}#pullrequestreview-${v.id}`;
    return {
      ...out,
      id: v.id,
      node_id: `PRR_${v.id}`,
      user: this.user(v.user),
      body: v.body,
      state: v.state,
      html_url: html,
      pull_request_url: `${this.base}/repos/${r.fullName}/pulls/${v.pull}`,
      _links: { html: { href: html }, pull_request: { href: `${this.base}/repos/${r.fullName}/pulls/${v.pull}` } },
      submitted_at: iso(v.submitted_at),
      commit_id: v.commit_id,
    };
  }

  reviewComment(r: GhRepo, c: GhReviewComment): any {
    const url = `${this.base}/repos/${r.fullName}/pulls/comments/${c.id}`;
    const html = `https://github.com/${r.fullName}/pull/${c.issue}#discussion_r${c.id}`;
    const pr = `${this.base}/repos/${r.fullName}/pulls/${c.issue}`;
    return {
      ...example('pull-request-review-comment-items'),
      id: c.id,
      node_id: `PRRC_${c.id}`,
      url,
      pull_request_review_id: c.review_id,
      path: c.path,
      commit_id: c.commit_id,
      original_commit_id: c.commit_id,
      user: this.user(c.user),
      body: c.body,
      created_at: iso(c.created_at),
      updated_at: iso(c.updated_at),
      html_url: html,
      pull_request_url: pr,
      _links: { self: { href: url }, html: { href: html }, pull_request: { href: pr } },
    };
  }

  commit(r: GhRepo, c: GhCommit): any {
    const out = example('commit-items');
    const url = `${this.base}/repos/${r.fullName}/commits/${c.sha}`;
    const person = { name: c.author, email: `${c.author}@users.noreply.github.com`, date: iso(c.date) };
    return {
      ...out,
      url,
      sha: c.sha,
      node_id: `C_${c.sha}`,
      html_url: `https://github.com/${r.fullName}/commit/${c.sha}`,
      comments_url: `${url}/comments`,
      commit: {
        ...out.commit,
        url: `${this.base}/repos/${r.fullName}/git/commits/${c.sha}`,
        author: person,
        committer: person,
        message: c.message,
        tree: { sha: c.tree, url: `${this.base}/repos/${r.fullName}/git/trees/${c.tree}` },
        comment_count: 0,
      },
      author: this.user(c.author),
      committer: this.user(c.author),
      parents: c.parents.map((p) => ({
        sha: p,
        url: `${this.base}/repos/${r.fullName}/commits/${p}`,
        html_url: `https://github.com/${r.fullName}/commit/${p}`,
      })),
    };
  }

  branch(r: GhRepo): any {
    const out = example('branch-get');
    const head = r.head()!;
    const c = this.commit(r, head);
    return {
      ...out,
      name: r.default_branch,
      commit: c,
      _links: {
        html: `https://github.com/${r.fullName}/tree/${r.default_branch}`,
        self: `${this.base}/repos/${r.fullName}/branches/${r.default_branch}`,
      },
      protected: false,
      protection_url: `${this.base}/repos/${r.fullName}/branches/${r.default_branch}/protection`,
    };
  }

  /** A git tree: with `recursive`, every blob and the directories above them; else the top level. */
  tree(r: GhRepo, sha: string, recursive: boolean): any {
    const files = r.trees.get(sha)!;
    const entries: any[] = [];
    const dirs = new Set<string>();
    for (const [path, f] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const parts = path.split('/');
      for (let k = 1; k < parts.length; k++) dirs.add(parts.slice(0, k).join('/'));
      if (!recursive && parts.length > 1) continue;
      entries.push({
        path,
        mode: '100644',
        type: 'blob',
        sha: f.sha,
        size: f.size,
        url: `${this.base}/repos/${r.fullName}/git/blobs/${f.sha}`,
      });
    }
    for (const d of [...dirs].sort()) {
      if (!recursive && d.includes('/')) continue;
      const dsha = Buffer.from(`${sha}:${d}`).toString('hex').slice(0, 40).padEnd(40, '0');
      entries.push({
        path: d,
        mode: '040000',
        type: 'tree',
        sha: dsha,
        url: `${this.base}/repos/${r.fullName}/git/trees/${dsha}`,
      });
    }
    return { sha, url: `${this.base}/repos/${r.fullName}/git/trees/${sha}`, tree: entries, truncated: false };
  }

  blob(r: GhRepo, sha: string): any {
    const content = r.blobs.get(sha)!;
    const b64 = Buffer.from(content, 'utf8')
      .toString('base64')
      .replace(/(.{60})/g, '$1\n');
    return {
      content: b64,
      encoding: 'base64',
      url: `${this.base}/repos/${r.fullName}/git/blobs/${sha}`,
      sha,
      size: Buffer.byteLength(content),
      node_id: `B_${sha}`,
    };
  }
}
