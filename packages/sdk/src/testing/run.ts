import type { AnyConnector } from '../connector.js';
import type { Checkpoint, Item, Page } from '../item.js';
import { createMemoryState, type MemoryConnectorState } from '../state.js';
import { createTestContext, type TestReadContextOptions } from './context.js';
import { collectPages } from './pages.js';

/** What one sync left: the items by external id (last version), deletes, errors, state, checkpoint and counters. */
export interface SyncRun {
  items: Map<string, Item>;
  deletes: string[];
  /** The messages of the pages' item errors. */
  errors: string[];
  state: MemoryConnectorState;
  checkpoint: Checkpoint | undefined;
  apiCalls: number;
  rateLimitWaitMs: number;
}

/** Options of {@link syncRun}: a test context's, plus where the read stops. */
export interface SyncRunOptions extends Omit<TestReadContextOptions, 'checkpoint' | 'state'> {
  /** Stop after this many pages, like a run that crashed or paused there. */
  maxPages?: number;
}

/**
 * One sync as the engine runs them back to back: it starts from the checkpoint and a copy of the connector state
 * `from` left (a fresh backfill without one), reads to the end or `maxPages`, and keeps the previous checkpoint when
 * it yielded no page.
 * @example const first = await syncRun(c, { config }); const next = await syncRun(c, { config }, first);
 */
export async function syncRun<C extends AnyConnector>(
  connector: C,
  opts: SyncRunOptions,
  from?: Pick<SyncRun, 'checkpoint' | 'state'>,
): Promise<SyncRun> {
  const { maxPages, ...context } = opts;
  const ctx = createTestContext(connector, {
    ...context,
    checkpoint: from?.checkpoint,
    state: createMemoryState(from?.state.snapshot()),
  });
  const pages = (await collectPages(connector, ctx, maxPages ? { maxPages } : {})) as Page[];
  const items = new Map<string, Item>();
  for (const p of pages) for (const i of p.items ?? []) items.set(i.externalId, i);
  return {
    items,
    deletes: pages.flatMap((p) => p.deletes ?? []),
    errors: pages.flatMap((p) => (p.errors ?? []).map((e) => e.message)),
    state: ctx.state,
    checkpoint: pages.at(-1)?.checkpoint ?? from?.checkpoint,
    apiCalls: ctx.stats.apiCalls,
    rateLimitWaitMs: ctx.stats.rateLimitWaitMs,
  };
}
