import { z } from 'zod';

/**
 * A sync walks the playlist (1 quota unit per 50 videos) as generation `gen`: every video it sees is written to
 * connector state as `v:<videoId>` → {@link VideoState}; new or edited videos (and recent ones still without
 * captions) are fetched and yielded; at the end of the walk, videos of an older generation are gone (deleted, made
 * private) and become tombstones. `pass.pageToken` is the playlist page the walk resumes at after a crash or the
 * daily quota stop. `since` is the newest `publishedAt` seen: a first sync's backfill bound and the run summary.
 * The quota spent today (`quotaDay` in Pacific time, as Google counts) is committed with every page.
 */
export const YoutubeCheckpointSchema = z
  .object({
    v: z.literal(1),
    gen: z.number().int().nonnegative(),
    since: z.string().max(40).optional(),
    playlistId: z.string().max(100).optional(),
    pass: z
      .object({
        gen: z.number().int().positive(),
        pageToken: z.string().max(200).optional(),
        sweep: z.boolean().optional(),
      })
      .strict()
      .optional(),
    quotaDay: z.string().max(10).optional(),
    quotaUsed: z.number().int().nonnegative().default(0),
    /** The day a sync stopped at the budget: later syncs that day end at once, calling nothing. */
    stoppedDay: z.string().max(10).optional(),
  })
  .strict();
export type YoutubeCheckpoint = z.output<typeof YoutubeCheckpointSchema>;

export const VIDEO_PREFIX = 'v:';

export interface VideoState {
  /** Hash of the playlist entry's title, description and privacy: a change re-reads the video. */
  h: string;
  g: number;
  /** Whether a transcript was stored. */
  t: boolean;
  /** publishedAt (ISO). */
  p: string;
}
