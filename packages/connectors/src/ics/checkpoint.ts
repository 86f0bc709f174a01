import type { IcsCheckpoint } from './config.js';

/** A checkpoint entry: the item's digest, plus the occurrence start for expanded occurrences. */
export function seenValue(digest: string, occurrenceStart?: string): string {
  return occurrenceStart ? `${digest}|${occurrenceStart}` : digest;
}

export function digestOf(value: string | undefined): string | undefined {
  return value?.split('|')[0];
}

/**
 * Ids to report as deleted: what was yielded before and is gone now. Single events that vanish are deletions; an
 * occurrence counts only while its start is still inside the window (one that slid out of the window as time
 * passed is forgotten, not deleted). Explicit cancellations of anything yielded before are deletions too.
 */
export function deletedIds(
  previous: IcsCheckpoint['seen'],
  current: ReadonlySet<string>,
  window: { start: number; end: number },
  cancelled: { ids: readonly string[]; uids: readonly string[] },
): string[] {
  const out = new Set<string>();
  for (const [id, value] of Object.entries(previous)) {
    if (current.has(id)) continue;
    const start = value.split('|')[1];
    if (start === undefined) {
      out.add(id);
      continue;
    }
    const ms = Date.parse(start);
    if (ms >= window.start && ms <= window.end) out.add(id);
  }
  for (const id of cancelled.ids) if (id in previous) out.add(id);
  const uids = new Set(cancelled.uids);
  for (const id of Object.keys(previous)) {
    const uid = id.includes('#') ? id.slice(0, id.lastIndexOf('#')) : id;
    if (uids.has(uid) || uids.has(id)) out.add(id);
  }
  return [...out].sort();
}
