import { z } from 'zod';
import type { Item, Page } from '@tributary/sdk';

/**
 * Checkpoint of a file-per-message source (Maildir, a folder of .eml): for each file key its signature (what makes a
 * change visible: mtime, size, flags, folder) and the external id it mapped to, plus ids whose file went away or
 * changed id and whose deletion is not yet reported (kept across a crash until the run's last page reports them).
 */
export const FileMapCheckpointSchema = z.object({
  files: z.record(z.string(), z.tuple([z.string(), z.string()])),
  pending: z.array(z.string()).default([]),
});
export type FileMapCheckpoint = z.output<typeof FileMapCheckpointSchema>;

/** A message file as listed now. */
export interface FileEntry {
  /** Stable key across renames that do not change the message (Maildir: the unique name before `:2,`). */
  key: string;
  /** Changes when the item must be read again. */
  sig: string;
}

export interface FileSyncOptions<E extends FileEntry> {
  /** Every message file present now, in a stable order. */
  entries: E[];
  previous: FileMapCheckpoint | undefined;
  pageSize: number;
  signal: AbortSignal;
  /** Reads and maps one file; undefined skips it (e.g. older than the backfill window). Throws for a bad file. */
  load(entry: E): Promise<Item | undefined>;
  /** Failures found while listing (an unreadable folder), reported on the first page. */
  listErrors?: Array<{ message: string }>;
}

/**
 * Diffs the files present now against the checkpoint and yields pages: new and changed files become items, an
 * unreadable or corrupt file a per-item error, and ids no longer produced by ANY file become deletes on the last page
 * (so a message moved between folders, or present twice, is never deleted by mistake).
 */
export async function* syncFileMap<E extends FileEntry>(
  opts: FileSyncOptions<E>,
): AsyncGenerator<Page<FileMapCheckpoint>> {
  const files: Record<string, [string, string]> = { ...(opts.previous?.files ?? {}) };
  const pending = new Set(opts.previous?.pending ?? []);
  const present = new Set(opts.entries.map((e) => e.key));
  for (const [key, [, id]] of Object.entries(files)) {
    if (present.has(key)) continue;
    if (id) pending.add(id);
    delete files[key];
  }
  const todo = opts.entries.filter((e) => files[e.key]?.[0] !== e.sig);
  const snapshot = (): FileMapCheckpoint => ({ files: { ...files }, pending: [...pending] });
  let yielded = false;
  let carried = [...(opts.listErrors ?? [])];
  for (let start = 0; start < todo.length; start += opts.pageSize) {
    const items = new Map<string, Item>();
    const errors: Array<{ externalId?: string; message: string }> = carried;
    carried = [];
    for (const entry of todo.slice(start, start + opts.pageSize)) {
      opts.signal.throwIfAborted();
      const old = files[entry.key]?.[1];
      let id = '';
      try {
        const item = await opts.load(entry);
        if (item) {
          id = item.externalId;
          items.set(id, item);
        }
      } catch (err) {
        errors.push({ message: `${entry.key}: ${(err as Error).message}` });
      }
      if (old && old !== id) pending.add(old);
      files[entry.key] = [entry.sig, id];
    }
    yielded = true;
    yield { items: [...items.values()], errors, checkpoint: snapshot() };
  }
  if (pending.size > 0 || !yielded) {
    const live = new Set(Object.values(files).map(([, id]) => id));
    const deletes = [...pending].filter((id) => !live.has(id));
    pending.clear();
    yield { items: [], deletes, errors: carried, checkpoint: snapshot() };
  }
}
