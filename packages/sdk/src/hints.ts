/**
 * Merges the hints of webhook events that collapse into one sync. Lists (e.g. `deletes`) are unioned; a value the
 * events agree on is kept; a narrowing they disagree on (two channels, two repos) is dropped, so the merged sync
 * reads everything rather than only one event's part. `eventId` is per event and never kept.
 */
export function mergeHints(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === 'eventId') continue;
    const x = a[key];
    const y = b[key];
    if (!(key in a)) {
      if (Array.isArray(y)) out[key] = y;
      continue; // a narrowing only the newer event has: the older one wanted a wider sync
    }
    if (!(key in b)) {
      if (Array.isArray(x)) out[key] = x;
      continue;
    }
    if (Array.isArray(x) && Array.isArray(y)) out[key] = [...new Set([...x, ...y])];
    else if (JSON.stringify(x) === JSON.stringify(y)) out[key] = x;
  }
  return out;
}
