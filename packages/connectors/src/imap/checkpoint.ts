import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The checkpoint of an IMAP source: a flat marker. Everything per folder and per message is connector state:
 * - `F:<folder>` → {@link ImapFolderState} (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ after the folder was last read);
 * - `u:<folder>\t<uid>` → the external id read from that UID ('' for a message that failed to parse);
 * - `i:<id>` / `p:<id>`: how many UIDs hold each id, and ids parked for deletion (see `IdRefs`), so a message moved
 *   to another synced folder is not deleted.
 * The checkpoint stays a few bytes, and each page writes only the UIDs it read.
 */
export const ImapCheckpointSchema = z.object({ format: z.literal('state-v1'), folders: z.number().int() });
export type ImapCheckpoint = z.output<typeof ImapCheckpointSchema>;

/** What a folder was when last read completely (or up to `uidNext - 1` mid-read). */
export const ImapFolderStateSchema = z.object({
  uidValidity: z.string(),
  /** One above the highest UID read: UIDs from here on are new. */
  uidNext: z.number().int().positive(),
  /** HIGHESTMODSEQ once the folder was read to its end (CONDSTORE servers); absent mid-read. */
  modseq: z.string().optional(),
});
export type ImapFolderState = z.output<typeof ImapFolderStateSchema>;

/** A folder's part of a state key: its path, or a hash of it when very long. */
function folderPart(path: string): string {
  return path.length <= 400 ? path : `#${createHash('sha256').update(path).digest('hex')}`;
}

export const folderKey = (path: string): string => `F:${folderPart(path)}`;
/** Prefix of a folder's UID records (the tab never occurs in a mailbox name: IMAP names are printable). */
export const uidPrefix = (path: string): string => `u:${folderPart(path)}\t`;
export const uidKey = (path: string, uid: number): string => `${uidPrefix(path)}${uid}`;
