import type { LifecycleContext, PushView } from '@tributary/sdk';
import type { GoogleDriveCheckpoint } from './checkpoint.js';
import { DriveClient } from './client.js';
import type { GoogleDriveConfig } from './config.js';

/**
 * When the source's `changes.watch` channel needs renewing: `renewBeforeHours` before its expiry. The scheduler
 * runs a sync then, and `read()` renews a channel inside that window (the new expiry is committed with the page).
 */
export async function drivePushRenewAt(
  view: PushView<GoogleDriveConfig, GoogleDriveCheckpoint>,
): Promise<number | undefined> {
  const push = view.config.push;
  if (!push || view.checkpoint?.chExp === undefined) return undefined;
  return view.checkpoint.chExp - push.renewBeforeHours * 3_600_000;
}

/** Source removed: stop its channel (`channels.stop`), so Google stops calling a route that no longer answers. */
export async function driveOnRemove(ctx: LifecycleContext<GoogleDriveConfig, GoogleDriveCheckpoint>): Promise<void> {
  const { chId, chRes } = ctx.checkpoint ?? {};
  if (!chId || !chRes) return;
  await new DriveClient(ctx).stop(chId, chRes);
}
