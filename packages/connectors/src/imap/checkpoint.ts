import { z } from 'zod';
import { fromRanges, toRanges } from './uid-set.js';

/**
 * Per folder: UIDVALIDITY, the highest UID read, HIGHESTMODSEQ after the folder was last read completely (CONDSTORE
 * servers), and the known messages as a UID set (`uids`, an IMAP sequence-set string) with the external id of each
 * (`ids`, in ascending UID order). `pending` holds ids whose message vanished from some folder and whose deletion is
 * decided on the run's last page (a message moved to another synced folder is not deleted).
 */
export const ImapFolderStateSchema = z.object({
  uidValidity: z.string(),
  lastUid: z.number().int().nonnegative(),
  modseq: z.string().optional(),
  uids: z.string(),
  ids: z.array(z.string()),
});
export type ImapFolderState = z.output<typeof ImapFolderStateSchema>;

export const ImapCheckpointSchema = z.object({
  folders: z.record(z.string(), ImapFolderStateSchema),
  pending: z.array(z.string()).default([]),
});
export type ImapCheckpoint = z.output<typeof ImapCheckpointSchema>;

/** A folder's known messages, uid → external id, in memory while a folder is synced. */
export function knownMessages(state: ImapFolderState | undefined): Map<number, string> {
  const map = new Map<number, string>();
  if (!state) return map;
  const uids = fromRanges(state.uids);
  uids.forEach((uid, i) => {
    const id = state.ids[i];
    if (id !== undefined) map.set(uid, id);
  });
  return map;
}

/** Serializes a folder's known messages back into the checkpoint form. */
export function folderState(
  uidValidity: string,
  lastUid: number,
  modseq: string | undefined,
  known: Map<number, string>,
): ImapFolderState {
  const uids = [...known.keys()].sort((a, b) => a - b);
  const state: ImapFolderState = { uidValidity, lastUid, uids: toRanges(uids), ids: uids.map((u) => known.get(u)!) };
  if (modseq !== undefined) state.modseq = modseq;
  return state;
}
