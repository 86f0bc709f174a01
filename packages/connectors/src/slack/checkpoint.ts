import { z } from 'zod';

/**
 * Where one conversation stands, kept in connector state under `c:<conversation id>` (never in the checkpoint, so
 * the checkpoint stays the same size whatever the number of conversations). Slack's history is read newest first,
 * so a scan in progress remembers its window: the messages still to read are those older than `scan.below` and
 * newer than `scan.oldest`.
 */
export const ChannelCursorSchema = z.object({
  /** Newest top-level message ts read by a completed scan: later messages are new. */
  hw: z.string().optional(),
  /** Newest `edited.ts` seen: a later edit in the re-check window is a change. */
  edit: z.string().optional(),
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

/** State key of a conversation's cursor. */
export const channelKey = (channel: string): string => `c:${channel}`;

/**
 * State keys of the threads tracked in a conversation: `t:<conversation>:<parent ts>` → newest reply ts read
 * (threads active within the re-check window).
 */
export const threadPrefix = (channel: string): string => `t:${channel}:`;

/**
 * The Slack connector's checkpoint: a version tag only. Everything per conversation (cursors, threads) is connector
 * state committed with each page; an old checkpoint (`{ channels }`, v1) fails this schema and triggers a clean
 * re-sync.
 */
export const SlackCheckpointSchema = z.object({ v: z.literal(2) }).strict();

export type SlackCheckpoint = z.output<typeof SlackCheckpointSchema>;

export const SLACK_CHECKPOINT: SlackCheckpoint = { v: 2 };

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
