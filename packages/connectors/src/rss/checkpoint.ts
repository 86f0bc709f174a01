import { SEEN_LIMIT } from './config.js';

/** Connector-state key of a feed entry: its record is `{ d: digest, t: when a fetch last saw it in the feed }`. */
export const ENTRY_PREFIX = 'e:';
export const entryKey = (externalId: string): string => `${ENTRY_PREFIX}${externalId}`;

export interface EntryRecord {
  d: string;
  t: number;
}

/** A stored record, or undefined when it is not one (it is then treated as unseen). */
export function toEntryRecord(value: unknown): EntryRecord | undefined {
  const v = value as Partial<EntryRecord> | null;
  return v && typeof v === 'object' && typeof v.d === 'string' && typeof v.t === 'number'
    ? { d: v.d, t: v.t }
    : undefined;
}

/**
 * Which remembered entries to forget after a read: every entry of the current feed stays, plus the {@link SEEN_LIMIT}
 * most recently seen of the others, so an entry that drops out of the feed and comes back is not yielded again
 * unless it changed. Ties keep key order (deterministic).
 */
export function entriesToForget(
  remembered: Array<[key: string, seenAt: number]>,
  current: ReadonlySet<string>,
  limit = SEEN_LIMIT,
): string[] {
  const older = remembered.filter(([k]) => !current.has(k)).sort((a, b) => b[1] - a[1]);
  return older.slice(limit).map(([k]) => k);
}
