import type { RunCounts } from './types.js';

/** Run counters and their column in `data_source_sync_history` (both stores). */
export const RUN_COUNT_COLUMNS: ReadonlyArray<readonly [keyof RunCounts, string]> = [
  ['itemsSeen', 'items_seen'],
  ['created', 'created'],
  ['updated', 'updated'],
  ['deleted', 'deleted'],
  ['unchanged', 'unchanged'],
  ['failed', 'failed'],
  ['apiCalls', 'api_calls'],
  ['rateLimitWaitMs', 'rate_limit_wait_ms'],
];
