import type { PushView } from '@tributary/sdk';
import type { GmailCheckpoint } from './checkpoint.js';
import type { GmailConfig } from './config.js';

/**
 * When the mailbox's `users.watch` needs renewing: `renewBeforeHours` before its expiry (Google ends a watch after
 * 7 days). The scheduler runs a sync then; `read()` calls `users.watch` again inside that window.
 *
 * There is no `onRemove`: a Gmail watch belongs to the mailbox, not to the source (`users.stop` would also end
 * the push of another source reading the same mailbox). A removed source's notifications match no source and are
 * refused; the watch lapses within 7 days.
 */
export async function gmailPushRenewAt(view: PushView<GmailConfig, GmailCheckpoint>): Promise<number | undefined> {
  const push = view.config.push;
  if (!push || view.checkpoint?.watchExpires === undefined) return undefined;
  return view.checkpoint.watchExpires - push.renewBeforeHours * 3_600_000;
}
