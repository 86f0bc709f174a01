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

/** The folder's stamp now, or null when it cannot be trusted (too recent, unreadable). */
async function stampOf(folder: MaildirFolder, now: number): Promise<string | null> {
  const parts: string[] = [];
  for (const sub of ['cur', 'new']) {
    try {
      const s = await stat(path.join(folder.dir, sub), { bigint: true });
      if (Number(s.mtimeMs) > now - SETTLE_MS) return null;
      parts.push(String(s.mtimeNs));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
      parts.push('-');
    }
  }
  return parts.join(':');
}

/** Stamps of the selected folders, taken BEFORE they are listed (a change during the listing shows next time). */
export async function folderStamps(folders: MaildirFolder[]): Promise<Map<string, string | null>> {
  const now = Date.now();
  const out = new Map<string, string | null>();
  for (const f of folders) out.set(`d:${f.name}`, await stampOf(f, now));
  return out;
}

/** Whether every selected folder (and no other) carries the same trusted stamp as after the last complete run. */
export async function unchangedSince(state: ConnectorState, stamps: Map<string, string | null>): Promise<boolean> {
  let recorded = 0;
  for await (const [key, value] of state.list('d:')) {
    const now = stamps.get(key);
    if (now === undefined || now === null || now !== value) return false;
    recorded++;
  }
  return recorded === stamps.size && stamps.size > 0;
}

/** The state change that records the stamps after a complete run (and forgets untrusted or deselected ones). */
export async function recordStamps(
  state: ConnectorState,
  resumed: boolean,
  stamps: Map<string, string | null>,
  trusted: boolean,
): Promise<PageState> {
  const set: Record<string, unknown> = {};
  const del: string[] = [];
  for (const [key, stamp] of stamps) {
    if (trusted && stamp !== null) set[key] = stamp;
    else del.push(key);
  }
  if (resumed) for await (const [key] of state.list('d:')) if (!stamps.has(key)) del.push(key);
  return { set, delete: del };
}
