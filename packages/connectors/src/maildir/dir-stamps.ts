import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectorState, PageState } from '@tributary/sdk';
import type { MaildirFolder } from './client.js';

/**
 * Folder stamps: the modification times of a folder's `cur/` and `new/`, kept in connector state as
 * `d:<folder>`. Every change a Maildir sees — a delivery, a flag change (a rename), a move, a deletion — changes the
 * mtime of the directory it happens in, so when no stamp changed since the last complete run, nothing did, and a
 * re-run needs neither to list 20,000 names nor to read their records (what notmuch does too).
 *
 * A stamp younger than {@link SETTLE_MS} is not trusted (a file added within the same clock tick as the listing would
 * leave the mtime unchanged): it is not recorded, so the next run lists that folder's tree again.
 */
const SETTLE_MS = 2000;

/** A folder's stamp: the mtimes as read (null: unreadable), and whether they are old enough to vouch for the tree. */
export interface FolderStamp {
  value: string | null;
  settled: boolean;
}

async function stampOf(folder: MaildirFolder, now: number): Promise<FolderStamp> {
  const parts: string[] = [];
  let settled = true;
  for (const sub of ['cur', 'new']) {
    try {
      const s = await stat(path.join(folder.dir, sub), { bigint: true });
      if (Number(s.mtimeMs) > now - SETTLE_MS) settled = false;
      parts.push(String(s.mtimeNs));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { value: null, settled: false };
      parts.push('-');
    }
  }
  return { value: parts.join(':'), settled };
}

/**
 * Stamps of the selected folders. Taken BEFORE they are listed (a change during the listing shows next time), and
 * again after, to tell whether a folder changed while it was listed (see {@link changedWhileListed}).
 */
export async function folderStamps(folders: MaildirFolder[]): Promise<Map<string, FolderStamp>> {
  const now = Date.now();
  const out = new Map<string, FolderStamp>();
  for (const f of folders) out.set(`d:${f.name}`, await stampOf(f, now));
  return out;
}

/** The stamp to record or compare, or null when it cannot be trusted (too recent, unreadable). */
function trusted(stamp: FolderStamp | undefined): string | null | undefined {
  if (stamp === undefined) return undefined;
  return stamp.settled ? stamp.value : null;
}

/**
 * Whether any folder's directories changed between the two stampings (or could not be read). A directory renamed
 * into or out of while `readdir` walks it may be listed without the file under either name (POSIX leaves it
 * unspecified), so such a listing must not be taken as proof that a file is gone.
 */
export function changedWhileListed(before: Map<string, FolderStamp>, after: Map<string, FolderStamp>): boolean {
  for (const [key, stamp] of before) {
    const now = after.get(key);
    if (stamp.value === null || now?.value !== stamp.value) return true;
  }
  return false;
}

/** Whether every selected folder (and no other) carries the same trusted stamp as after the last complete run. */
export async function unchangedSince(state: ConnectorState, stamps: Map<string, FolderStamp>): Promise<boolean> {
  let recorded = 0;
  for await (const [key, value] of state.list('d:')) {
    const now = trusted(stamps.get(key));
    if (now === undefined || now === null || now !== value) return false;
    recorded++;
  }
  return recorded === stamps.size && stamps.size > 0;
}

/** The state change that records the stamps after a complete run (and forgets untrusted or deselected ones). */
export async function recordStamps(
  state: ConnectorState,
  resumed: boolean,
  stamps: Map<string, FolderStamp>,
  trustRun: boolean,
): Promise<PageState> {
  const set: Record<string, unknown> = {};
  const del: string[] = [];
  for (const [key, stamp] of stamps) {
    const value = trusted(stamp);
    if (trustRun && value) set[key] = value;
    else del.push(key);
  }
  if (resumed) for await (const [key] of state.list('d:')) if (!stamps.has(key)) del.push(key);
  return { set, delete: del };
}
