import { createHash } from 'node:crypto';
import type { AnyConnector } from '../connector.js';
import { TributaryError } from '../errors.js';
import type { Checkpoint, Item, Page } from '../item.js';
import { createMemoryState, type MemoryConnectorState } from '../state.js';
import { createTestContext, type TestReadContextOptions } from './context.js';

/** Options of {@link collectPages}. */
export interface CollectOptions {
  /** Stop after this many pages (the read is closed with `return()`, like a paused run). */
  maxPages?: number;
  /**
   * A guard against reads that never end: more pages than this fails with `internal`. @default 10000
   */
  limit?: number;
}

/** The page type a connector yields (its checkpoint type included). */
export type PageOf<C extends AnyConnector> = ReturnType<C['read']> extends AsyncIterable<infer P> ? P : Page;
/** The checkpoint type of a connector's pages. */
export type CheckpointOf<C extends AnyConnector> = PageOf<C> extends Page<infer K> ? K : Checkpoint;

/**
 * Runs `connector.read(ctx)` to the end (or `maxPages`) and returns the pages in order.
 * @throws whatever the read throws; TributaryError `internal` when the read exceeds `limit` pages
 */
export async function collectPages<C extends AnyConnector>(
  connector: C,
  ctx: Parameters<C['read']>[0],
  opts: CollectOptions = {},
): Promise<PageOf<C>[]> {
  const pages: PageOf<C>[] = [];
  const limit = opts.limit ?? 10_000;
  if (opts.maxPages !== undefined && opts.maxPages <= 0) return pages;
  for await (const page of connector.read(ctx) as AsyncIterable<PageOf<C>>) {
    pages.push(page);
    // The engine commits a page (its state included) before it asks for the next one: so does the kit.
    commitState(ctx, page as Page);
    if (opts.maxPages !== undefined && pages.length >= opts.maxPages) break;
    if (pages.length >= limit) {
      throw new TributaryError(
        'internal',
        `${connector.manifest.name}: read yielded more than ${limit} pages; it never ends?`,
      );
    }
  }
  return pages;
}

/** Applies a collected page's connector state to the context's state, when that is the kit's in-memory one. */
export function commitState(ctx: { state?: unknown }, page: Page): void {
  const state = ctx.state as Partial<MemoryConnectorState> | undefined;
  if (page.state && typeof state?.apply === 'function') state.apply(page.state);
}

/** The connector state the engine holds after committing `pages` in order (on top of `base`, when given). */
export function stateAfter(pages: Iterable<Page>, base?: MemoryConnectorState): MemoryConnectorState {
  const state = createMemoryState(base?.snapshot());
  for (const page of pages) state.apply(page.state);
  return state;
}

/** One stored memory in the reference state: the content hash the engine dedups on, and the item. */
export interface AppliedItem {
  hash: string;
  item: Item;
}

/** In-memory reference of what the engine would store: external id → latest version. */
export type AppliedState = Map<string, AppliedItem>;

/** sha256 over the fields that make a new version (title, content, content type, stream). */
export function itemHash(item: Item): string {
  const key = JSON.stringify([item.stream, item.contentType ?? 'text', item.title ?? null, item.content]);
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Applies pages to a reference state like the engine commits them: items upsert (last write wins), then the
 * page's deletes remove. Mutates and returns `state`.
 * @example const state = applyPages(new Map(), pages);
 */
export function applyPages(state: AppliedState, pages: Iterable<Page>): AppliedState {
  for (const page of pages) {
    for (const item of page.items ?? []) state.set(item.externalId, { hash: itemHash(item), item });
    for (const id of page.deletes ?? []) state.delete(id);
  }
  return state;
}

/** How two states differ, by external id. */
export interface StateDiff {
  /** In `expected`, absent from `actual`. */
  missing: string[];
  /** In `actual`, absent from `expected`. */
  extra: string[];
  /** In both, with different content hashes. */
  changed: string[];
}

export function diffStates(expected: AppliedState, actual: AppliedState): StateDiff {
  const missing: string[] = [];
  const extra: string[] = [];
  const changed: string[] = [];
  for (const [id, e] of expected) {
    const a = actual.get(id);
    if (!a) missing.push(id);
    else if (a.hash !== e.hash) changed.push(id);
  }
  for (const id of actual.keys()) if (!expected.has(id)) extra.push(id);
  return { missing, extra, changed };
}

/** True when the diff is empty. */
export function isSameState(diff: StateDiff): boolean {
  return diff.missing.length === 0 && diff.extra.length === 0 && diff.changed.length === 0;
}

/** A one-line description of a diff for failure messages ("lost: a, b; unexpected: c"), ids capped at 10 each. */
export function describeDiff(diff: StateDiff): string {
  const list = (ids: string[]): string =>
    ids
      .slice(0, 10)
      .map((i) => JSON.stringify(i))
      .join(', ') + (ids.length > 10 ? ` … (+${ids.length - 10})` : '');
  const parts: string[] = [];
  if (diff.missing.length) parts.push(`lost ${diff.missing.length}: ${list(diff.missing)}`);
  if (diff.extra.length) parts.push(`unexpected ${diff.extra.length}: ${list(diff.extra)}`);
  if (diff.changed.length) parts.push(`different content ${diff.changed.length}: ${list(diff.changed)}`);
  return parts.join('; ') || 'identical';
}

/**
 * Reads a connector to the end with a fresh test context and returns the context, the pages, the reference state
 * they leave and the last checkpoint (the one a next incremental run starts from).
 * @example const full = await readToEnd(myConnector, { config }); const next = await readToEnd(myConnector, { config, checkpoint: full.last });
 */
export async function readToEnd<C extends AnyConnector>(connector: C, opts: TestReadContextOptions = {}) {
  const ctx = createTestContext(connector, opts);
  const pages = await collectPages(connector, ctx);
  const last = (pages.at(-1) as Page | undefined)?.checkpoint as CheckpointOf<C>;
  return { ctx, pages, state: applyPages(new Map(), pages as Page[]), last };
}
