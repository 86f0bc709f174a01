import { z } from 'zod';

/**
 * Where a Gmail source stands (flat, a few dozen bytes whatever the mailbox size). Per-message records live in
 * connector state under `m:<gmail id>` → {@link MessageRecord}.
 *
 * - `list`: a full listing in progress (`messages.list` from `pageToken`); `start` is the mailbox's historyId taken
 *   before the listing began, so changes made during it are read from history afterwards.
 * - `sweep`: after a re-sync listing, records not seen by generation `gen` are tombstoned.
 * - `history`: incremental; `historyId` is the cursor, `hpage` a history page in progress.
 */
export const GmailCheckpointSchema = z
  .object({
    v: z.literal(1),
    phase: z.enum(['list', 'sweep', 'history']),
    /** Generation of the current (or last) full listing: records carry it, a sweep drops older ones. */
    gen: z.number().int().min(1),
    start: z.string().regex(/^\d+$/).optional(),
    pageToken: z.string().max(2048).optional(),
    historyId: z.string().regex(/^\d+$/).optional(),
    hpage: z.string().max(2048).optional(),
    /** Lower date bound of full listings (epoch seconds, Gmail's `after:`), from `backfillDays` on the first sync. */
    after: z.number().int().min(0).optional(),
    /** Epoch ms when the `users.watch` expires (push only). */
    watchExpires: z.number().int().optional(),
  })
  .strict();

export type GmailCheckpoint = z.output<typeof GmailCheckpointSchema>;

/** A message read before: its memory's external id (the Message-ID) and the listing generation that saw it. */
export const MessageRecordSchema = z.object({ x: z.string().min(1), g: z.number().int() });
export type MessageRecord = z.output<typeof MessageRecordSchema>;

export const MESSAGE_PREFIX = 'm:';
export const messageKey = (gmailId: string): string => `${MESSAGE_PREFIX}${gmailId}`;

/** Drops undefined fields so a checkpoint survives a JSON round trip unchanged. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
