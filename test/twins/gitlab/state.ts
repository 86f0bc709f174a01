import { createHash } from 'node:crypto';
import { createLogicalClock, type LogicalClock } from '../kit/index.js';

/** A user as GitLab's `UserBasic` shows one. */
export interface GlUser {
  id: number;
  username: string;
  name: string;
}

/** A note (comment) inside a discussion; `system` notes are GitLab's own ("changed the description"). */
export interface GlNote {
  id: number;
  body: string;
  author: GlUser;
  created_at: string;
  updated_at: string;
  system: boolean;
}

export interface GlDiscussion {
  id: string;
  individual_note: boolean;
  notes: GlNote[];
}

/** An issue or a merge request (they share iid space per kind, a description, notes and discussions). */
export interface GlNoteable {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  labels: string[];
  author: GlUser;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  discussions: GlDiscussion[];
  /** Merge requests only: branches and the changed files (path, added and removed lines). */
  source_branch?: string;
  target_branch?: string;
  merged_at?: string | null;
  changes?: Array<{ path: string; added: number; removed: number; newFile?: boolean; deleted?: boolean }>;
}

export interface GlCommit {
  id: string;
  title: string;
  message: string;
  author_name: string;
  author_email: string;
  authored_date: string;
  committed_date: string;
  parent_ids: string[];
}

export interface GlWikiPage {
  slug: string;
  title: string;
  content: string;
  format: 'markdown' | 'rdoc' | 'asciidoc' | 'org';
}

export interface GlProject {
  id: number;
  name: string;
  path: string;
  /** `group/sub/project` */
  pathWithNamespace: string;
  /** The group path (`group/sub`). */
  namespace: string;
  description: string;
  visibility: 'private' | 'internal' | 'public';
  defaultBranch: string;
  topics: string[];
  created_at: string;
  last_activity_at: string;
  issues: GlNoteable[];
  mergeRequests: GlNoteable[];
  /** The default branch, newest first. */
  commits: GlCommit[];
  wiki: GlWikiPage[];
}

export type NoteableKind = 'issues' | 'merge_requests';

/**
 * The GitLab twin's world: projects in groups with issues, merge requests, discussions, commits and wiki pages.
 * Timestamps come from a logical clock (each change a second later), so reads are deterministic. Changes follow
 * GitLab: a new or edited note touches its issue's `updated_at`; a deleted issue simply disappears from lists.
 */
export class GitlabState {
  readonly clock: LogicalClock;
  readonly projects: GlProject[] = [];
  readonly users: GlUser[] = [
    { id: 1, username: 'ada', name: 'Ada Lovelace' },
    { id: 2, username: 'grace', name: 'Grace Hopper' },
    { id: 3, username: 'linus', name: 'Linus Torvalds' },
  ];
  /** Tokens the twin accepts (`PRIVATE-TOKEN` or `Authorization: Bearer`); expired OAuth tokens answer 401. */
  readonly tokens = new Set<string>(['glpat-twin']);
  readonly expiredTokens = new Set<string>(['glpat-expired']);
  private nextId = 1000;

  constructor(clock = createLogicalClock()) {
    this.clock = clock;
  }

  private iso(): string {
    return new Date(this.clock.tick()).toISOString();
  }

  private id(): number {
    return this.nextId++;
  }

  user(n: number): GlUser {
    return this.users[n % this.users.length]!;
  }

  addProject(pathWithNamespace: string, opts: Partial<Pick<GlProject, 'description' | 'visibility'>> = {}): GlProject {
    const parts = pathWithNamespace.split('/');
    const at = this.iso();
    const p: GlProject = {
      id: this.id(),
      name: parts.at(-1)!,
      path: parts.at(-1)!,
      pathWithNamespace,
      namespace: parts.slice(0, -1).join('/'),
      description: opts.description ?? `The ${parts.at(-1)} project`,
      visibility: opts.visibility ?? 'private',
      defaultBranch: 'main',
      topics: ['twin'],
      created_at: at,
      last_activity_at: at,
      issues: [],
      mergeRequests: [],
      commits: [],
      wiki: [],
    };
    this.projects.push(p);
    return p;
  }

  project(idOrPath: string | number): GlProject | undefined {
    const s = String(idOrPath);
    return this.projects.find((p) => String(p.id) === s || p.pathWithNamespace.toLowerCase() === s.toLowerCase());
  }

  list(p: GlProject, kind: NoteableKind): GlNoteable[] {
    return kind === 'issues' ? p.issues : p.mergeRequests;
  }

  addIssue(p: GlProject, fields: { title: string; description?: string; state?: 'opened' | 'closed' }): GlNoteable {
    return this.addNoteable(p, 'issues', fields);
  }

  addMergeRequest(
    p: GlProject,
    fields: { title: string; description?: string; state?: 'opened' | 'closed' | 'merged'; files?: number },
  ): GlNoteable {
    const mr = this.addNoteable(p, 'merge_requests', fields);
    mr.source_branch = `feature-${mr.iid}`;
    mr.target_branch = p.defaultBranch;
    mr.merged_at = mr.state === 'merged' ? mr.updated_at : null;
    mr.changes = Array.from({ length: fields.files ?? 2 }, (_, i) => ({
      path: `src/feature-${mr.iid}/file-${i}.ts`,
      added: 10 + i,
      removed: i,
      ...(i === 0 ? { newFile: true } : {}),
    }));
    return mr;
  }

  private addNoteable(
    p: GlProject,
    kind: NoteableKind,
    f: { title: string; description?: string; state?: GlNoteable['state'] },
  ): GlNoteable {
    const list = this.list(p, kind);
    const at = this.iso();
    const n: GlNoteable = {
      id: this.id(),
      iid: (list.at(-1)?.iid ?? 0) + 1,
      title: f.title,
      description: f.description ?? '',
      state: f.state ?? 'opened',
      labels: list.length % 3 === 0 ? ['bug'] : [],
      author: this.user(list.length),
      created_at: at,
      updated_at: at,
      closed_at: f.state && f.state !== 'opened' ? at : null,
      discussions: [],
    };
    list.push(n);
    p.last_activity_at = at;
    return n;
  }

  edit(p: GlProject, kind: NoteableKind, iid: number, fields: Partial<Pick<GlNoteable, 'title' | 'description'>>) {
    const n = this.find(p, kind, iid);
    Object.assign(n, fields);
    n.updated_at = this.iso();
    return n;
  }

  /** Deletes an issue or merge request (GitLab: owners can; it vanishes from every list). */
  remove(p: GlProject, kind: NoteableKind, iid: number): void {
    const list = this.list(p, kind);
    list.splice(list.indexOf(this.find(p, kind, iid)), 1);
  }

  find(p: GlProject, kind: NoteableKind, iid: number): GlNoteable {
    const n = this.list(p, kind).find((x) => x.iid === iid);
    if (!n) throw new Error(`no ${kind} !${iid} in ${p.pathWithNamespace}`);
    return n;
  }

  /** A note: a reply in an existing discussion, or a new discussion. Touches the noteable's `updated_at`. */
  addNote(p: GlProject, kind: NoteableKind, iid: number, body: string, discussionId?: string): GlNote {
    const n = this.find(p, kind, iid);
    const at = this.iso();
    const note: GlNote = {
      id: this.id(),
      body,
      author: this.user(n.discussions.length + 1),
      created_at: at,
      updated_at: at,
      system: false,
    };
    const d = discussionId ? n.discussions.find((x) => x.id === discussionId) : undefined;
    if (d) {
      d.notes.push(note);
      d.individual_note = false;
    } else
      n.discussions.push({
        id: createHash('sha1').update(`${p.id}:${kind}:${iid}:${note.id}`).digest('hex'),
        individual_note: true,
        notes: [note],
      });
    n.updated_at = at;
    return note;
  }

  editNote(p: GlProject, kind: NoteableKind, iid: number, noteId: number, body: string): GlNote {
    const n = this.find(p, kind, iid);
    const note = n.discussions.flatMap((d) => d.notes).find((x) => x.id === noteId);
    if (!note) throw new Error(`no note ${noteId}`);
    note.body = body;
    note.updated_at = this.iso();
    n.updated_at = note.updated_at;
    return note;
  }

  /** Deletes a note. GitLab does not touch the issue for it, so only a re-read of its discussions notices. */
  deleteNote(p: GlProject, kind: NoteableKind, iid: number, noteId: number): void {
    const n = this.find(p, kind, iid);
    for (const d of n.discussions) d.notes = d.notes.filter((x) => x.id !== noteId);
    n.discussions = n.discussions.filter((d) => d.notes.length > 0);
  }

  commit(p: GlProject, title: string): GlCommit {
    const at = this.iso();
    const parent = p.commits[0]?.id;
    const c: GlCommit = {
      id: createHash('sha1')
        .update(`${p.id}:${title}:${at}:${parent ?? ''}`)
        .digest('hex'),
      title,
      message: `${title}\n\nBody of "${title}".`,
      author_name: this.user(p.commits.length).name,
      author_email: `${this.user(p.commits.length).username}@example.com`,
      authored_date: at,
      committed_date: at,
      parent_ids: parent ? [parent] : [],
    };
    p.commits.unshift(c);
    p.last_activity_at = at;
    return c;
  }

  putWiki(p: GlProject, title: string, content: string): GlWikiPage {
    const slug = title.replace(/\s+/g, '-');
    const existing = p.wiki.find((w) => w.slug === slug);
    if (existing) {
      existing.content = content;
      return existing;
    }
    const w: GlWikiPage = { slug, title, content, format: 'markdown' };
    p.wiki.push(w);
    return w;
  }

  deleteWiki(p: GlProject, slug: string): void {
    const i = p.wiki.findIndex((w) => w.slug === slug);
    if (i >= 0) p.wiki.splice(i, 1);
  }
}
