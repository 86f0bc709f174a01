import { z } from 'zod';

/** Where one channel or thread stands, in connector state under `c:<channel id>`. */
export const ChannelCursorSchema = z.object({
  /** The newest message id read (a snowflake): the next read asks for messages `after` it. */
  last: z.string().optional(),
});
export type ChannelCursor = z.output<typeof ChannelCursorSchema>;

export const keys = {
  channel: (id: string) => `c:${id}`,
  /** One record per message inside the reconciliation window: the digest of what was yielded. */
  message: (channel: string, id: string) => `m:${channel}:${id}`,
  messagePrefix: (channel: string) => `m:${channel}:`,
};

/** The checkpoint: a version tag. Cursors per channel and message records are connector state. */
export const DiscordCheckpointSchema = z.object({ v: z.literal(1) }).strict();
export type DiscordCheckpoint = z.output<typeof DiscordCheckpointSchema>;
export const DISCORD_CHECKPOINT: DiscordCheckpoint = { v: 1 };
