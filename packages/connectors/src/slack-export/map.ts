import { createHash } from 'node:crypto';
import type { Item, Page } from '@tributary/sdk';
import {
  toSlackItem,
  type SlackChannel,
  type SlackMapOptions,
  type SlackMessage,
  type SlackUser,
} from '../slack-shared/index.js';

/** Hex characters of one item digest in the checkpoint. */
export const DIGEST_LENGTH = 8;

/**
 * A short digest of everything an item carries. The checkpoint keeps one per yielded message, so an incremental
 * read yields exactly the messages that are new or changed (32 bits: collisions within one day file are negligible).
 */
export function itemDigest(item: Item): string {
  return createHash('sha256').update(JSON.stringify(item)).digest('hex').slice(0, DIGEST_LENGTH);
}

/** The digests stored for one day file, as a set. */
export function splitDigests(stored: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!stored) return out;
  for (let i = 0; i + DIGEST_LENGTH <= stored.length; i += DIGEST_LENGTH) out.add(stored.slice(i, i + DIGEST_LENGTH));
  return out;
}

/**
 * Maps the messages of one day file. Entries that are not messages with a `ts` become per-item errors instead of
 * failing the whole file.
 */
export function mapDayFile(
  messages: unknown,
  channel: SlackChannel,
  usersById: ReadonlyMap<string, SlackUser>,
  opts: SlackMapOptions,
  file: string,
): { items: Item[]; errors: NonNullable<Page['errors']> } {
  const items: Item[] = [];
  const errors: NonNullable<Page['errors']> = [];
  if (!Array.isArray(messages)) return { items, errors: [{ message: `${file}: expected a JSON array of messages` }] };
  const seen = new Set<string>();
  messages.forEach((m, i) => {
    if (
      typeof m !== 'object' ||
      m === null ||
      typeof (m as SlackMessage).ts !== 'string' ||
      !Number.isFinite(Number((m as SlackMessage).ts))
    ) {
      errors.push({ message: `${file}: message #${i + 1} has no valid "ts"` });
      return;
    }
    const item = toSlackItem(m as SlackMessage, channel, usersById, opts);
    // A ts identifies a message within a conversation; a repeated one (hand-edited export) is kept once.
    if (item && !seen.has(item.externalId)) {
      seen.add(item.externalId);
      items.push(item);
    }
  });
  return { items, errors };
}
