import v8 from 'node:v8';

/**
 * How far V8 lets its old generation grow past the live heap before the next full collection, for processes that
 * sync. By default V8 grows it up to 4× the live heap, and a sync allocates large short-lived values (message bodies,
 * the pages in flight, their chunks and hashes) that live long enough to be promoted there: on 20,000 real patch
 * mails the heap reached 196 MB for about 60 MB alive. Growing by half instead held it at 102 MB (peak RSS 350 →
 * 272 MB) for the same CPU (48 s against 52.5 s in the same round); see docs/connectors/maildir.md.
 */
export const SYNC_HEAP_GROWTH_PERCENT = 50;

/**
 * Sets V8's heap growing factor to 1 + percent/100 (`TRIBUTARY_SYNC_HEAP_GROWTH_PERCENT`, default
 * {@link SYNC_HEAP_GROWTH_PERCENT}; 0 keeps V8's own). V8 reads the flag at every full collection, so setting it at
 * run time works, for the whole process: every thread of it shares V8's flags. It bounds how much garbage waits for a
 * collection, never the heap itself: a sync that needs more memory still gets it. Returns the percent set.
 */
export function boundSyncHeapGrowth(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRIBUTARY_SYNC_HEAP_GROWTH_PERCENT;
  const percent = raw === undefined || raw === '' ? SYNC_HEAP_GROWTH_PERCENT : Number(raw);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) return 0;
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
