import { collectPages, createTestContext } from '@tributary/sdk/testing';
import type { Item, Page } from '@tributary/sdk';
import { logsConnector } from '../index.js';
import type { LogsCheckpoint } from '../checkpoint.js';

/** One read pass through the connector as the engine would run it; returns the pages and what they hold. */
export async function readPass(
  config: Record<string, unknown>,
  checkpoint?: LogsCheckpoint,
  opts: { features?: Record<string, boolean>; now?: number } = {},
): Promise<{
  pages: Page<LogsCheckpoint>[];
  items: Item[];
  errors: NonNullable<Page['errors']>;
  checkpoint: LogsCheckpoint;
}> {
  const clock = { now: () => opts.now ?? Date.now(), sleep: async () => undefined };
  const ctx = createTestContext(logsConnector, { config, checkpoint, features: opts.features, clock });
  const pages = await collectPages(logsConnector, ctx);
  const last = pages.at(-1);
  if (!last) throw new Error('read yielded no page');
  return {
    pages,
    items: pages.flatMap((p) => p.items ?? []),
    errors: pages.flatMap((p) => p.errors ?? []),
    checkpoint: last.checkpoint,
  };
}
