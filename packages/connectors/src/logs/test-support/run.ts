import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { createMemoryState, type Item, type MemoryConnectorState, type Page } from '@tributary/sdk';
import { logsConnector } from '../index.js';
import { FILE_PREFIX, type FileState, type LogsCheckpoint } from '../checkpoint.js';

/** The connector state committed with each checkpoint a pass returned, as the engine keeps it beside it. */
const stateOf = new WeakMap<LogsCheckpoint, MemoryConnectorState>();

/**
 * One read pass through the connector as the engine would run it; returns the pages and what they hold. A
 * checkpoint returned by an earlier pass resumes with the connector state committed with it.
 */
export async function readPass(
  config: Record<string, unknown>,
  checkpoint?: LogsCheckpoint,
  opts: { features?: Record<string, boolean>; now?: number } = {},
): Promise<{
  pages: Page<LogsCheckpoint>[];
  items: Item[];
  errors: NonNullable<Page['errors']>;
  checkpoint: LogsCheckpoint;
  /** The file states after the pass (connector state), oldest-read order as stored. */
  files: FileState[];
}> {
  const clock = { now: () => opts.now ?? Date.now(), sleep: async () => undefined };
  const committed = checkpoint ? stateOf.get(checkpoint) : undefined;
  const state = committed ? createMemoryState(committed.snapshot()) : undefined;
  const ctx = createTestContext(logsConnector, { config, checkpoint, state, features: opts.features, clock });
  const pages = await collectPages(logsConnector, ctx);
  const last = pages.at(-1);
  if (!last) throw new Error('read yielded no page');
  // Each pass reads a copy: reading twice from the same checkpoint starts from the same state.
  const after = ctx.state as MemoryConnectorState;
  const resultCheckpoint = { ...last.checkpoint };
  stateOf.set(resultCheckpoint, after);
  const files = [...after.snapshot()].filter(([k]) => k.startsWith(FILE_PREFIX)).map(([, v]) => v as FileState);
  return {
    pages,
    items: pages.flatMap((p) => p.items ?? []),
    errors: pages.flatMap((p) => p.errors ?? []),
    checkpoint: resultCheckpoint,
    files,
  };
}
