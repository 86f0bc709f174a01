import { createLogicalClock, type LogicalClock } from '../kit/index.js';
import type { TokenState } from './jira-state.js';

/** One version of a body, in both representations the v2 API serves (ADF and storage XHTML). */
export interface TwinBody {
  adf: unknown;
  storage: string;
}

export interface TwinVersion {
  number: number;
  createdAt: number;
  authorId: string;
  message: string;
  title: string;
  body: TwinBody;
}

export interface TwinContent {
  id: string;
  kind: 'page' | 'blogpost';
  spaceId: string;
  parentId: string | null;
  status: 'current' | 'trashed';
  createdAt: number;
  authorId: string;
  versions: TwinVersion[];
}

export interface TwinConfluenceComment {
  id: string;
  kind: 'footer' | 'inline';
  containerId: string;
  containerKind: 'page' | 'blogpost';
  status: 'current' | 'trashed';
  versions: Array<{ number: number; createdAt: number; authorId: string; body: TwinBody }>;
  /** Inline comments: the text they are anchored to. */
  selection?: string;
}

export interface TwinSpace {
  id: string;
  key: string;
  name: string;
}

/**
 * The state behind the Confluence twin: spaces, pages (a tree by `parentId`) and blog posts with every version's
 * body, footer and inline comments, API tokens and OAuth tokens.
 */
export class ConfluenceState {
  readonly clock: LogicalClock;
  readonly cloudId = '66666666-7777-4888-9999-000000000000';
  siteUrl = 'https://twin.atlassian.net';
  readonly spaces: TwinSpace[] = [];
  readonly contents = new Map<string, TwinContent>();
  readonly comments = new Map<string, TwinConfluenceComment>();
  readonly apiTokens = new Map<string, TokenState>([['ada@example.com:wiki-token', 'valid']]);
  readonly oauthTokens = new Map<string, TokenState>();
  private seq = 100_000;

  constructor(clock: LogicalClock = createLogicalClock()) {
    this.clock = clock;
  }

  private id(): string {
    return String(++this.seq);
  }

  addSpace(key: string, name: string): TwinSpace {
    const s = { id: String(1000 + this.spaces.length), key, name };
    this.spaces.push(s);
    return s;
  }

  add(c: {
    kind: 'page' | 'blogpost';
    spaceId: string;
    parentId?: string | null;
    title: string;
    body: TwinBody;
    authorId?: string;
  }): TwinContent {
    const now = this.clock.tick(60_000);
    const authorId = c.authorId ?? 'acc-ada';
    const content: TwinContent = {
      id: this.id(),
      kind: c.kind,
      spaceId: c.spaceId,
      parentId: c.parentId ?? null,
      status: 'current',
      createdAt: now,
      authorId,
      versions: [{ number: 1, createdAt: now, authorId, message: '', title: c.title, body: c.body }],
    };
    this.contents.set(content.id, content);
    return content;
  }

  /** A new version (an edit): its number, time, title and body. */
  edit(id: string, change: { title?: string; body: TwinBody; authorId?: string; message?: string }): TwinVersion {
    const c = this.contents.get(id)!;
    const last = c.versions.at(-1)!;
    const v: TwinVersion = {
      number: last.number + 1,
      createdAt: this.clock.tick(60_000),
      authorId: change.authorId ?? 'acc-grace',
      message: change.message ?? '',
      title: change.title ?? last.title,
      body: change.body,
    };
    c.versions.push(v);
    return v;
  }

  /** Moves content to the trash: it leaves `status=current` listings (no new version). */
  trash(id: string): void {
    this.contents.get(id)!.status = 'trashed';
  }

  /** Purges content and its comments: gone from every listing, 404. */
  purge(id: string): void {
    this.contents.delete(id);
    for (const [cid, c] of this.comments) if (c.containerId === id) this.comments.delete(cid);
  }

  comment(
    containerId: string,
    kind: 'footer' | 'inline',
    body: TwinBody,
    authorId = 'acc-alan',
    selection?: string,
  ): TwinConfluenceComment {
    const container = this.contents.get(containerId)!;
    const c: TwinConfluenceComment = {
      id: this.id(),
      kind,
      containerId,
      containerKind: container.kind,
      status: 'current',
      versions: [{ number: 1, createdAt: this.clock.tick(1000), authorId, body }],
      ...(selection ? { selection } : {}),
    };
    this.comments.set(c.id, c);
    return c;
  }

  editComment(id: string, body: TwinBody): void {
    const c = this.comments.get(id)!;
    c.versions.push({
      number: c.versions.length + 1,
      createdAt: this.clock.tick(1000),
      authorId: c.versions[0]!.authorId,
      body,
    });
  }

  removeComment(id: string): void {
    this.comments.delete(id);
  }

  space(id: string): TwinSpace | undefined {
    return this.spaces.find((s) => s.id === id);
  }
}
