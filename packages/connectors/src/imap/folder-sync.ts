import type { Item, Page, ReadContext } from '@tributary/sdk';
import type { ImapFlow, ListResponse } from 'imapflow';
import { toMailItem } from '../mail/map.js';
import { parseMail } from '../mail/parse.js';
import type { IdRefs, StateBatch } from '../mail/state-batch.js';
import { folderKey, uidKey, uidPrefix, type ImapCheckpoint, type ImapFolderState } from './checkpoint.js';
import { displayPath, flagNames } from './client.js';
import type { ImapConfig } from './config.js';
import { toRanges } from './uid-set.js';

/** The run's state writer and id counts, shared by the folders of one read. */
export interface RunState {
  batch: StateBatch;
  refs: IdRefs;
  checkpoint: ImapCheckpoint;
}

/** A folder's known messages (uid → external id) as committed. */
export async function knownMessages(run: RunState, path: string): Promise<Map<number, string>> {
  const known = new Map<number, string>();
  const prefix = uidPrefix(path);
  for await (const [k, id] of run.batch.committed(prefix)) known.set(Number(k.slice(prefix.length)), id as string);
  return known;
}

/** Forgets every message of a folder (recreated, deleted or deselected): their ids may become deletes. */
export async function forgetFolder(run: RunState, path: string, known?: Map<number, string>): Promise<void> {
  for (const [uid, id] of known ?? (await knownMessages(run, path))) {
    if (id) await run.refs.drop(id);
    run.batch.remove(uidKey(path, uid));
  }
  run.batch.remove(folderKey(path));
}

/**
 * Syncs one folder: notices a UIDVALIDITY change (everything re-read; ids are Message-IDs, so no duplicates),
 * expunged UIDs (by comparing the UID set; their ids may become deletes at the end of the run), flag changes
 * (CONDSTORE `CHANGEDSINCE`) and new UIDs, and yields pages of fetched messages with their state changes.
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
  let prev = (await run.batch.get(folderKey(box.path))) as ImapFolderState | undefined;
  if (prev && prev.uidValidity !== uidValidity) {
    // The folder was recreated: old UIDs mean nothing now. Its messages are read again under the same ids.
    await forgetFolder(run, box.path);
    prev = undefined;
  }
  // Expunges and flag changes raise HIGHESTMODSEQ: an unchanged value means nothing to do.
  if (prev && modseq !== undefined && prev.modseq === modseq) return;
  const known = prev ? await knownMessages(run, box.path) : new Map<number, string>();
  const present = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
  const presentSet = new Set(present);
  for (const [uid, id] of known) {
    if (presentSet.has(uid)) continue;
    known.delete(uid);
    if (id) await run.refs.drop(id);
    run.batch.remove(uidKey(box.path, uid));
  }
  let uidNext = prev?.uidNext ?? 1;
  let fresh = present.filter((u) => u >= uidNext);
  if (!prev && ctx.since) {
    const recent = new Set((await client.search({ since: ctx.since }, { uid: true })) || []);
    fresh = fresh.filter((u) => recent.has(u));
  }
  let changed: number[] = [];
  if (prev?.modseq !== undefined && modseq !== undefined && uidNext > 1) {
    const flagged = await client.fetchAll(
      `1:${uidNext - 1}`,
      { uid: true, flags: true },
      { uid: true, changedSince: BigInt(prev.modseq) },
    );
    changed = flagged.map((m) => m.uid).filter((u) => known.has(u));
  }
  const save = (done: boolean): void => {
    const state: ImapFolderState = {
      uidValidity,
      uidNext: done ? Math.max(uidNext, (present.at(-1) ?? 0) + 1) : uidNext,
    };
    const keep = done ? modseq : prev?.modseq;
    if (keep !== undefined) state.modseq = keep;
    run.batch.put(folderKey(box.path), state);
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
      let id = '';
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
        id = item.externalId;
      } catch (err) {
        errors.push({ message: `${folder} UID ${msg.uid}: ${(err as Error).message}` });
      }
      const old = known.get(msg.uid);
      if (old !== id) {
        if (id) await run.refs.add(id);
        if (old) await run.refs.drop(old);
        known.set(msg.uid, id);
        run.batch.put(uidKey(box.path, msg.uid), id);
      }
      uidNext = Math.max(uidNext, msg.uid + 1);
    }
    save(i + ctx.config.pageSize >= todo.length);
    yield { items: [...items.values()], errors, state: run.batch.take(), checkpoint: run.checkpoint };
  }
  save(true);
}
