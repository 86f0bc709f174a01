import { z } from 'zod';

/**
 * Where one conversation stands. Slack's history is read newest first, so a scan in progress remembers its window:
 * the messages still to read are those older than `scan.below` and newer than `scan.oldest`.
 */
export const ChannelCursorSchema = z.object({
  /** Newest top-level message ts read by a completed scan: later messages are new. */
  hw: z.string().optional(),
  /** Newest `edited.ts` seen: a later edit in the re-check window is a change. */
  edit: z.string().optional(),
  /** Thread parents with replies → newest reply ts read (threads active within the re-check window). */
  threads: z.record(z.string(), z.string()).optional(),
  /** A scan in progress (absent between syncs). */
  scan: z
    .object({
      /** Newest ts of this scan (the next `hw`). */
      top: z.string().optional(),
      /** Oldest ts read so far: the next page asks for messages before it. */
      below: z.string().optional(),
      /** Lower bound of the scan window (exclusive); absent = from the beginning. */
      oldest: z.string().optional(),
      /** Newest `edited.ts` seen by this scan. */
      edit: z.string().optional(),
    })
    .optional(),
});

export type ChannelCursor = z.output<typeof ChannelCursorSchema>;

/** The Slack connector's checkpoint: one cursor per conversation id. */
export const SlackCheckpointSchema = z.object({ channels: z.record(z.string(), ChannelCursorSchema) });

export type SlackCheckpoint = z.output<typeof SlackCheckpointSchema>;

/** Drops undefined fields so a checkpoint survives a JSON round trip unchanged. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** `ts` minus `seconds`, as a Slack ts string (never below zero). */
export function tsMinus(ts: string, seconds: number): string {
  return Math.max(0, Number(ts) - seconds).toFixed(6);
}

/** A Date as a Slack ts string. */
export function dateToTs(d: Date): string {
  return (d.getTime() / 1000).toFixed(6);
}
