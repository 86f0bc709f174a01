import type { Item, Page, ReadContext } from '@tributary/sdk';
import type { ImapFlow, ListResponse } from 'imapflow';
import { toMailItem } from '../mail/map.js';
import { parseMail } from '../mail/parse.js';
import { folderState, knownMessages, type ImapCheckpoint, type ImapFolderState } from './checkpoint.js';
import { displayPath, flagNames } from './client.js';
import type { ImapConfig } from './config.js';
import { toRanges } from './uid-set.js';

/** The run's working state, shared by the folders of one read and snapshotted into each page's checkpoint. */
export interface RunState {
  folders: Record<string, ImapFolderState>;
  pending: Set<string>;
}

export const snapshot = (run: RunState): ImapCheckpoint => ({ folders: { ...run.folders }, pending: [...run.pending] });

/**
 * Syncs one folder: notices a UIDVALIDITY change (everything re-read; ids are Message-IDs, so no duplicates),
 * expunged UIDs (by comparing the UID set; their ids become pending deletes), flag changes (CONDSTORE `CHANGEDSINCE`)
 * and new UIDs, and yields pages of fetched messages.
 */
export async function* syncFolder(
  client: ImapFlow,
  box: ListResponse,
  run: RunState,
  ctx: ReadContext<ImapConfig, ImapCheckpoint>,
  condstore: boolean,
): AsyncGenerator<Page<ImapCheckpoint>> {
  const mailbox = await client.mailboxOpen(box.path, { readOnly: true });
  const uidValidity = String(mailbox.uidValidity);
  const modseq = condstore && mailbox.highestModseq !== undefined ? String(mailbox.highestModseq) : undefined;
  let prev = run.folders[box.path];
  if (prev && prev.uidValidity !== uidValidity) {
    // The folder was recreated: old UIDs mean nothing now. Its messages are read again under the same ids.
    for (const id of prev.ids) if (id) run.pending.add(id);
    prev = undefined;
  }
  // Expunges and flag changes raise HIGHESTMODSEQ: an unchanged value means nothing to do.
  if (prev && modseq !== undefined && prev.modseq === modseq) return;
  const known = knownMessages(prev);
  const present = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
  const presentSet = new Set(present);
  for (const [uid, id] of known) {
    if (presentSet.has(uid)) continue;
    known.delete(uid);
    if (id) run.pending.add(id);
  }
  let lastUid = prev?.lastUid ?? 0;
  let fresh = present.filter((u) => u > lastUid);
  if (!prev && ctx.since) {
    const recent = new Set((await client.search({ since: ctx.since }, { uid: true })) || []);
    fresh = fresh.filter((u) => recent.has(u));
  }
  let changed: number[] = [];
  if (prev?.modseq !== undefined && modseq !== undefined && lastUid > 0) {
    const flagged = await client.fetchAll(
      `1:${lastUid}`,
      { uid: true, flags: true },
      { uid: true, changedSince: BigInt(prev.modseq) },
    );
    changed = flagged.map((m) => m.uid).filter((u) => known.has(u));
  }
  const save = (done: boolean): void => {
    run.folders[box.path] = folderState(
      uidValidity,
      done ? Math.max(lastUid, present.at(-1) ?? 0) : lastUid,
      done ? modseq : prev?.modseq,
      known,
    );
  };
  const todo = [...changed, ...fresh];
  const folder = displayPath(box);
  for (let i = 0; i < todo.length; i += ctx.config.pageSize) {
    ctx.signal.throwIfAborted();
    const batch = todo.slice(i, i + ctx.config.pageSize);
    const items = new Map<string, Item>();
    const errors: Array<{ externalId?: string; message: string }> = [];
    // Streamed: one raw message in memory at a time (parsing issues no IMAP command, so it may run inside the loop).
    const query = { uid: true, source: true, flags: true, internalDate: true } as const;
    for await (const msg of client.fetch(toRanges(batch), query, { uid: true })) {
      try {
        if (!msg.source) throw new Error('the server sent no message body');
        const mail = await parseMail(msg.source, { attachmentText: ctx.features.attachments === true });
        const internalDate = msg.internalDate ? new Date(msg.internalDate).toISOString() : undefined;
        const item = toMailItem(mail, {
          container: folder,
          metadata: { folder, uid: msg.uid, flags: flagNames(msg.flags), internalDate },
        });
        if (!item.occurredAt && internalDate) item.occurredAt = internalDate;
        items.set(item.externalId, item);
        known.set(msg.uid, item.externalId);
      } catch (err) {
        errors.push({ message: `${folder} UID ${msg.uid}: ${(err as Error).message}` });
        known.set(msg.uid, '');
      }
      lastUid = Math.max(lastUid, msg.uid);
    }
    const last = i + ctx.config.pageSize >= todo.length;
    save(last);
    yield { items: [...items.values()], errors, checkpoint: snapshot(run) };
  }
  save(true);
}
