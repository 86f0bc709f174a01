import type { LifecycleContext, PushView } from '@tributary/sdk';
import { CalendarCursorSchema, type GoogleCalendarCheckpoint } from './checkpoint.js';
import { CalendarClient } from './client.js';
import type { GoogleCalendarConfig } from './config.js';

type Channel = { id: string; resourceId: string; expires: number };

/** Every calendar's open channel, from the `c:<calendar id>` cursors in connector state. */
async function channelsOf(view: { state: PushView['state'] }): Promise<Channel[]> {
  const out: Channel[] = [];
  for await (const [, value] of view.state.list('c:')) {
    const cursor = CalendarCursorSchema.safeParse(value);
    if (cursor.success && cursor.data.channel) out.push(cursor.data.channel);
  }
  return out;
}

/**
 * When the first of the source's `events.watch` channels needs renewing: `renewBeforeHours` before the earliest
 * expiry. The scheduler runs a sync then; `read()` renews each calendar's channel inside that window.
 */
export async function calendarPushRenewAt(
  view: PushView<GoogleCalendarConfig, GoogleCalendarCheckpoint>,
): Promise<number | undefined> {
  const push = view.config.push;
  if (!push || !view.checkpoint) return undefined;
  const channels = await channelsOf(view);
  if (channels.length === 0) return undefined;
  return Math.min(...channels.map((c) => c.expires)) - push.renewBeforeHours * 3_600_000;
}

/** Source removed: stop every calendar's channel (`channels.stop`); one failure does not keep the others open. */
export async function calendarOnRemove(
  ctx: LifecycleContext<GoogleCalendarConfig, GoogleCalendarCheckpoint>,
): Promise<void> {
  const channels = await channelsOf(ctx);
  if (channels.length === 0) return;
  const client = new CalendarClient(ctx);
  const failed: string[] = [];
  for (const ch of channels) {
    await client.stop(ch.id, ch.resourceId).catch((err: unknown) => failed.push(`${ch.id}: ${(err as Error).message}`));
  }
  if (failed.length) throw new Error(`channels.stop failed for ${failed.length} channel(s): ${failed.join('; ')}`);
}
