import type { LifecycleContext, PushView } from '@tributary/sdk';
import type { OneDriveCheckpoint } from './checkpoint.js';
import { GraphClient } from './client.js';
import type { OneDriveConfig } from './config.js';

/** When the subscription needs renewing: `renewBeforeHours` before it expires (the scheduler syncs then). */
export async function onedrivePushRenewAt(
  view: PushView<OneDriveConfig, OneDriveCheckpoint>,
): Promise<number | undefined> {
  const push = view.config.push;
  if (!push || view.checkpoint?.subExp === undefined) return undefined;
  return view.checkpoint.subExp - push.renewBeforeHours * 3_600_000;
}

/** Source removed: delete its subscription, so Graph stops calling a route that no longer answers for it. */
export async function onedriveOnRemove(ctx: LifecycleContext<OneDriveConfig, OneDriveCheckpoint>): Promise<void> {
  const id = ctx.checkpoint?.subId;
  if (id) await new GraphClient(ctx).unsubscribe(id);
}
