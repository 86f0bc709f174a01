import { z } from 'zod';

/** One timeline's place: the newest post id synced (since_id) and, mid-walk, the page to resume at. */
export const XStreamCursorSchema = z
  .object({
    /** Newest post id fully synced: the next walk asks since_id=this. */
    sinceId: z.string().regex(/^\d+$/).optional(),
    /** The walk in progress: its pagination_token, the since_id it walks to, and the newest id it has seen. */
    token: z.string().max(200).optional(),
    walkSince: z.string().regex(/^\d+$/).optional(),
    walkNewest: z.string().regex(/^\d+$/).optional(),
    /** The oldest id the walk has passed: a resumed walk asks until_id=this (page tokens are not kept for days). */
    untilId: z.string().regex(/^\d+$/).optional(),
  })
  .strict();
export type XStreamCursor = z.output<typeof XStreamCursorSchema>;

/**
 * Flat: one cursor per stream and the monthly post-read count (`period` = the cap period's start, YYYY-MM-DD UTC).
 * Bounded: four cursors and two numbers whatever the account's size.
 */
export const XCheckpointSchema = z
  .object({
    v: z.literal(1),
    userId: z.string().regex(/^\d+$/).optional(),
    tweets: XStreamCursorSchema.optional(),
    mentions: XStreamCursorSchema.optional(),
    bookmarks: XStreamCursorSchema.optional(),
    likes: XStreamCursorSchema.optional(),
    period: z.string().max(10).optional(),
    postsRead: z.number().int().nonnegative().default(0),
  })
  .strict();
export type XCheckpoint = z.output<typeof XCheckpointSchema>;
