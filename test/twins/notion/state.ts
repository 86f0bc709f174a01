import { createLogicalClock, type LogicalClock } from '../kit/index.js';

/** A rich-text run as the twin stores it (rendered to Notion's rich text object by the server). */
export type TwinRich =
  | {
      kind: 'text';
      text: string;
      link?: string;
      bold?: boolean;
      italic?: boolean;
      code?: boolean;
      strikethrough?: boolean;
    }
  | { kind: 'page'; id: string }
  | { kind: 'user'; id: string }
  | { kind: 'date'; start: string }
  | { kind: 'equation'; expression: string };

/** One block: its type and payload (without `rich_text`, which `rich` carries), and child blocks. */
export interface TwinBlock {
  id: string;
  type: string;
  rich?: TwinRich[];
  /** Type-specific fields beside `rich_text` (`checked`, `language`, `expression`, `title`, `url` …). */
  data?: Record<string, unknown>;
  children?: TwinBlock[];
}

export type TwinParent =
  | { type: 'workspace' }
  | { type: 'page_id'; page_id: string }
  | { type: 'data_source_id'; data_source_id: string; database_id: string };

/** A property value of a data source row, as the twin stores it. */
export type TwinValue =
  | { type: 'title'; rich: TwinRich[] }
  | { type: 'rich_text'; rich: TwinRich[] }
  | { type: 'select'; name: string | null }
  | { type: 'multi_select'; names: string[] }
  | { type: 'number'; value: number | null }
  | { type: 'checkbox'; value: boolean }
  | { type: 'date'; start: string | null }
  | { type: 'url'; value: string | null }
  | { type: 'people'; ids: string[] };

export interface TwinPage {
  id: string;
  parent: TwinParent;
  title: string;
  /** Row properties by name (pages in a data source); plain pages have only a title. */
  values?: Record<string, TwinValue>;
  blocks: TwinBlock[];
  created: number;
  edited: number;
  inTrash: boolean;
  /** Whether the integration can see it (a page shared with the integration, or under one). */
  shared: boolean;
}

export interface TwinDataSource {
  id: string;
  databaseId: string;
  title: string;
  description: string;
  /** Column name → type, in display order. */
  columns: Array<[name: string, type: TwinValue['type']]>;
  created: number;
  edited: number;
  inTrash: boolean;
  shared: boolean;
}

export interface TwinUser {
  id: string;
  name: string;
  type: 'person' | 'bot';
}

export type TokenState = 'valid' | 'expired' | 'revoked';

/** Notion rounds `last_edited_time` down to the minute (https://developers.notion.com/reference/page). */
export const toNotionTime = (ms: number): string => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();

/** A Notion-shaped UUID from a small number and a kind digit (deterministic ids keep tests exact). */
export function notionId(kind: number, n: number): string {
  const hex = `${kind.toString(16)}${n.toString(16).padStart(11, '0')}`.padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/**
 * The state behind the Notion twin: pages with block trees, data sources with rows, users and tokens. Every change
 * moves a logical clock on by a minute, because Notion's timestamps have minute resolution.
 */
export class NotionState {
  readonly clock: LogicalClock;
  readonly pages = new Map<string, TwinPage>();
  readonly dataSources = new Map<string, TwinDataSource>();
  readonly users = new Map<string, TwinUser>();
  readonly tokens = new Map<string, TokenState>([['secret_twin', 'valid']]);
  private seq = 0;
  /** Block id → the page holding it and the block, for children listings of nested blocks. */
  private readonly blockIndex = new Map<string, { page: TwinPage; block: TwinBlock }>();

  constructor(clock: LogicalClock = createLogicalClock()) {
    this.clock = clock;
  }

  nextId(kind: number): string {
    return notionId(kind, ++this.seq);
  }

  addUser(user: TwinUser): TwinUser {
    this.users.set(user.id, user);
    return user;
  }

  addDataSource(ds: Omit<TwinDataSource, 'created' | 'edited' | 'inTrash' | 'shared' | 'id' | 'databaseId'>) {
    const now = this.clock.tick(60_000);
    const out: TwinDataSource = {
      ...ds,
      id: this.nextId(0xd),
      databaseId: this.nextId(0xb),
      created: now,
      edited: now,
      inTrash: false,
      shared: true,
    };
    this.dataSources.set(out.id, out);
    return out;
  }

  addPage(p: { parent?: TwinParent; title: string; blocks?: TwinBlock[]; values?: Record<string, TwinValue> }) {
    const now = this.clock.tick(60_000);
    const page: TwinPage = {
      id: this.nextId(0xa),
      parent: p.parent ?? { type: 'workspace' },
      title: p.title,
      ...(p.values ? { values: p.values } : {}),
      blocks: p.blocks ?? [],
      created: now,
      edited: now,
      inTrash: false,
      shared: true,
    };
    this.pages.set(page.id, page);
    this.index(page);
    return page;
  }

  page(id: string): TwinPage {
    const p = this.pages.get(id);
    if (!p) throw new Error(`twin: no page ${id}`);
    return p;
  }

  /** A block edit: the page's `last_edited_time` moves (Notion bumps the page on any block change). */
  editPage(id: string, change: (p: TwinPage) => void): TwinPage {
    const p = this.page(id);
    change(p);
    p.edited = this.clock.tick(60_000);
    this.index(p);
    return p;
  }

  trash(id: string): void {
    this.editPage(id, (p) => (p.inTrash = true));
  }

  /** The page is no longer shared with the integration: it drops out of search silently (no timestamp moves). */
  unshare(id: string): void {
    this.page(id).shared = false;
  }

  /** Pages and data sources the integration can see, as search lists them (trash excluded). */
  visible(): Array<TwinPage | TwinDataSource> {
    const out: Array<TwinPage | TwinDataSource> = [];
    for (const p of this.pages.values()) if (p.shared && !p.inTrash && this.parentVisible(p)) out.push(p);
    for (const d of this.dataSources.values()) if (d.shared && !d.inTrash) out.push(d);
    return out;
  }

  private parentVisible(p: TwinPage): boolean {
    if (p.parent.type !== 'data_source_id') return true;
    const ds = this.dataSources.get(p.parent.data_source_id);
    return !!ds && ds.shared && !ds.inTrash;
  }

  /** Whether a page or data source is readable through the API (shared, trashed or not). */
  readable(id: string): boolean {
    const p = this.pages.get(id);
    if (p) return p.shared;
    const d = this.dataSources.get(id);
    return !!d && d.shared;
  }

  /** Finds a block anywhere (for children listings of nested blocks). */
  findBlock(id: string): { page: TwinPage; block: TwinBlock } | undefined {
    return this.blockIndex.get(id);
  }

  private index(page: TwinPage): void {
    const stack = [...page.blocks];
    while (stack.length) {
      const b = stack.pop()!;
      this.blockIndex.set(b.id, { page, block: b });
      if (b.children) stack.push(...b.children);
    }
  }
}
