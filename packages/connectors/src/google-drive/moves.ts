import type { Item, Page, ReadContext } from '@tributary/sdk';
import {
  FILE_PREFIX,
  fileKey,
  FileRecordSchema,
  FOLDER_PREFIX,
  folderKey,
  TREE_KEY,
  type FileRecord,
  type GoogleDriveCheckpoint,
} from './checkpoint.js';
import { FOLDER_MIME, type DriveClient, type DriveFile } from './client.js';
import type { GoogleDriveConfig } from './config.js';
import type { FolderTree } from './folders.js';

type DrivePage = Page<GoogleDriveCheckpoint>;
/** Stands for "files in no folder" (a drive's root): selected only while `folders.include` is empty. */
const ROOTS = '~';

/** What reconciling needs from a read: the tree loaded at its start and the way it reads files. */
export interface MoveRun {
  ctx: ReadContext<GoogleDriveConfig, GoogleDriveCheckpoint>;
  client: DriveClient;
  tree: FolderTree;
  wanted(f: DriveFile): boolean;
  readFiles(files: DriveFile[]): Promise<{
    items: Item[];
    set: Record<string, FileRecord>;
    errors: Array<{ externalId?: string; message: string }>;
  }>;
}

/**
 * Folder moves. Drive's change log has one change for a moved (or trashed, or deleted) folder and none for the files
 * under it, so the change log alone cannot say that a subtree left or joined the selection. Connector state keeps the
 * set of selected folders (`d:<id>`); each sync compares it with the tree it just loaded:
 * - a folder no longer selected (moved out, trashed, deleted, or excluded by the config): the files recorded under it
 *   (`p` of their `f:` record) become tombstones;
 * - a folder newly selected (moved in, restored, or included): its files are listed (`'<id>' in parents`, one
 *   files.list per folder and 1,000 files) and read, skipping those already read at the same `modifiedTime`.
 * The `d:` records change in the last page only, so a crash before it repeats the work (idempotently) next time.
 * The first time (no `tree` record), the selection is only recorded: the listing in progress reads it.
 * @returns the state records to add to the run's first page when only the baseline was recorded
 */
export async function* reconcileFolders(
  run: MoveRun,
  cp: GoogleDriveCheckpoint,
): AsyncGenerator<DrivePage, Record<string, unknown> | undefined> {
  const { ctx } = run;
  const now = run.tree.selectedFolders();
  if (run.tree.selected(undefined)) now.add(ROOTS);
  if ((await ctx.state.get(TREE_KEY)) === undefined)
    return { [TREE_KEY]: { v: 1 }, ...Object.fromEntries([...now].map((id) => [folderKey(id), {}])) };
  const before = new Set<string>();
  for await (const [key] of ctx.state.list(FOLDER_PREFIX)) before.add(key.slice(FOLDER_PREFIX.length));
  const lost = [...before].filter((id) => !now.has(id));
  const gained = [...now].filter((id) => !before.has(id));
  if (lost.length) yield* forgetLost(run, cp, new Set(lost));
  if (gained.length) yield* readGained(run, cp, gained);
  return undefined;
}

async function* forgetLost(run: MoveRun, cp: GoogleDriveCheckpoint, lost: Set<string>): AsyncGenerator<DrivePage> {
  let ids: string[] = [];
  for await (const [key, value] of run.ctx.state.list(FILE_PREFIX)) {
    const r = FileRecordSchema.safeParse(value);
    if (!r.success || !r.data.p) continue;
    if (!lost.has(r.data.p) && !(lost.has(ROOTS) && !run.tree.has(r.data.p))) continue;
    ids.push(key.slice(FILE_PREFIX.length));
    if (ids.length >= 500) {
      yield { items: [], deletes: ids, state: { delete: ids.map(fileKey) }, checkpoint: cp };
      ids = [];
    }
  }
  run.ctx.logger.info('Google Drive folders left the selection: the files under them are removed', {
    folders: lost.size,
  });
  yield {
    items: [],
    deletes: ids,
    state: { delete: [...ids.map(fileKey), ...[...lost].map(folderKey)] },
    checkpoint: cp,
  };
}

async function* readGained(run: MoveRun, cp: GoogleDriveCheckpoint, gained: string[]): AsyncGenerator<DrivePage> {
  const { ctx, client } = run;
  // Files at a drive's root cannot be listed by one parent id (each shared drive has its own): they come back with a
  // full refresh, so only the record is kept.
  for (const folder of gained.filter((id) => id !== ROOTS)) {
    const q = [
      `'${folder}' in parents`,
      `trashed = false`,
      `mimeType != '${FOLDER_MIME}'`,
      ...(cp.after ? [`modifiedTime > '${cp.after}'`] : []),
    ].join(' and ');
    let token: string | undefined;
    do {
      if (ctx.signal.aborted) return;
      const res = await client.list(q, token, 1000);
      const files = (res.files ?? []).filter((f) => run.wanted(f));
      const known = await ctx.state.getMany(files.map((f) => fileKey(f.id!)));
      const toRead: DriveFile[] = [];
      const moved: Record<string, FileRecord> = {};
      for (const f of files) {
        const r = FileRecordSchema.safeParse(known.get(fileKey(f.id!)));
        if (!(r.success && r.data.m && r.data.m === f.modifiedTime)) toRead.push(f);
        else if (r.data.p !== folder) moved[fileKey(f.id!)] = { ...r.data, p: folder };
      }
      const parts = await run.readFiles(toRead);
      token = res.nextPageToken ?? undefined;
      yield { items: parts.items, errors: parts.errors, state: { set: { ...moved, ...parts.set } }, checkpoint: cp };
    } while (token);
  }
  ctx.logger.info('Google Drive folders joined the selection: their files were read', { folders: gained.length });
  yield {
    items: [],
    state: { set: Object.fromEntries(gained.map((id) => [folderKey(id), {}])) },
    checkpoint: cp,
  };
}
