import { z } from 'zod';

/** What a scan lists, in order: pages, blog posts, footer comments, inline comments. */
export const STREAMS = ['pages', 'blogposts', 'footer', 'inline'] as const;
export type ScanStream = (typeof STREAMS)[number];

/**
 * The Confluence connector's checkpoint: flat, a few values whatever the site size. Each stream is listed newest
 * modification first (`sort=-modified-date`) following `_links.next`; an incremental scan stops `overlapMinutes`
 * below the stream's high-water mark, a reconciling scan lists everything and marks what it sees, then a sweep
 * deletes what was not marked. Per content and comment records are connector state (`c:<id>`, `m:<id>`).
 */
export const ConfluenceCheckpointSchema = z
  .object({
    v: z.literal(1),
    epoch: z.number().int().min(0),
    reconciledAt: z.string().optional(),
    phase: z.enum(['idle', 'listing', 'sweep']),
    /** The stream being listed. */
    stream: z.enum(STREAMS).optional(),
    /** `_links.next` of the stream's next page (relative to the site). */
    next: z.string().max(2048).optional(),
    /** Newest modification seen in this stream by this scan. */
    top: z.string().optional(),
    mark: z.number().int().positive().optional(),
    hwPages: z.string().optional(),
    hwBlogposts: z.string().optional(),
    hwFooter: z.string().optional(),
    hwInline: z.string().optional(),
  })
  .strict();
export type ConfluenceCheckpoint = z.output<typeof ConfluenceCheckpointSchema>;

export const INITIAL_CHECKPOINT: ConfluenceCheckpoint = { v: 1, epoch: 0, phase: 'idle' };

export const HW_KEY = {
  pages: 'hwPages',
  blogposts: 'hwBlogposts',
  footer: 'hwFooter',
  inline: 'hwInline',
} as const satisfies Record<ScanStream, keyof ConfluenceCheckpoint>;

/** A page or blog post: the version yielded, the epoch that saw it, title, space and parent (for containers). */
export const ContentRecordSchema = z.object({
  v: z.number().int(),
  r: z.number().int().min(0),
  t: z.string(),
  s: z.string(),
  p: z.string().nullable(),
  k: z.enum(['page', 'blogpost']),
});
export type ContentRecord = z.output<typeof ContentRecordSchema>;

/** A comment: the version yielded, the epoch that saw it. */
export const CommentRecordSchema = z.object({ v: z.number().int(), r: z.number().int().min(0) });
export type CommentRecord = z.output<typeof CommentRecordSchema>;

export const contentKey = (id: string): string => `c:${id}`;
export const commentKey = (id: string): string => `m:${id}`;

export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
