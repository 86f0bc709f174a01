import { randomUUID } from 'node:crypto';
import { isTributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import {
  compact,
  FILE_PREFIX,
  fileKey,
  FileRecordSchema,
  type FileRecord,
  type GoogleDriveCheckpoint,
} from './checkpoint.js';
import { DriveClient, FOLDER_MIME, type DriveFile } from './client.js';
import type { GoogleDriveConfig } from './config.js';
import { contentOf, readable } from './content.js';
import { isFolder, loadFolders, type FolderTree } from './folders.js';
import { reconcileFolders } from './moves.js';
import { toDriveItem } from './map.js';

type Ctx = ReadContext<GoogleDriveConfig, GoogleDriveCheckpoint>;
type DrivePage = Page<GoogleDriveCheckpoint>;
const DAY = 86_400_000;

interface Run {
  ctx: Ctx;
  client: DriveClient;
  tree: FolderTree;
  done: number;
}

type PageErrors = Array<{ externalId?: string; message: string }>;

/** Reads the text of each file (`concurrency` at a time) into items and state records. */
async function readFiles(run: Run, files: DriveFile[], gen: number) {
  const { ctx, client, tree } = run;
  const items = new Map<string, Item>();
  const set: Record<string, FileRecord> = {};
  const errors: PageErrors = [];
  const maxBytes = ctx.config.maxFileMb * 1024 * 1024;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++]!;
      const text = await contentOf(client, f, maxBytes);
      if ('skipped' in text) {
        errors.push({ externalId: f.id!, message: `Drive file "${f.name}": ${text.skipped}` });
        continue;
      }
      items.set(f.id!, toDriveItem(f, text, tree.pathOf(f.parents?.[0])));
      set[fileKey(f.id!)] = compact({ g: gen, m: f.modifiedTime ?? undefined, p: f.parents?.[0] ?? undefined });
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.config.concurrency, files.length) }, worker));
  return { items: [...items.values()], set, errors };
}

/** A file the source reads: not a folder, not trashed, a readable type, inside the selected folders. */
const wanted = (run: Run, f: DriveFile): boolean =>
  !isFolder(f) && f.trashed !== true && readable(f) && run.tree.selected(f.parents?.[0]);

/** A full listing, one page per files.list page; ends in `sweep` after a re-listing, else in `changes`. */
async function* listPhase(run: Run, cp: GoogleDriveCheckpoint): AsyncGenerator<DrivePage, GoogleDriveCheckpoint> {
  const { ctx, client } = run;
  const q = [
    `trashed = false`,
    `mimeType != '${FOLDER_MIME}'`,
    ...(cp.after ? [`modifiedTime > '${cp.after}'`] : []),
  ].join(' and ');
  let token = cp.pageToken;
  for (;;) {
    if (ctx.signal.aborted) return cp;
    const res = await client.list(q, token, ctx.config.pageSize);
    const parts = await readFiles(
      run,
      (res.files ?? []).filter((f) => wanted(run, f)),
      cp.gen,
    );
    token = res.nextPageToken ?? undefined;
    const next: GoogleDriveCheckpoint = token
      ? { ...cp, pageToken: token }
      : cp.gen > 1
        ? compact({ ...cp, phase: 'sweep' as const, pageToken: undefined })
        : compact({ ...cp, phase: 'changes' as const, token: cp.start!, start: undefined, pageToken: undefined });
    run.done += parts.items.length;
    ctx.progress({ phase: 'listing', done: run.done });
    yield { items: parts.items, errors: parts.errors, state: { set: parts.set }, checkpoint: next };
    if (!token) return next;
  }
}

/** After a re-listing: every file record of an older generation is gone (or out of reach) upstream. */
async function* sweepPhase(run: Run, cp: GoogleDriveCheckpoint): AsyncGenerator<DrivePage, GoogleDriveCheckpoint> {
  let keys: string[] = [];
  const ids = (): string[] => keys.map((k) => k.slice(FILE_PREFIX.length));
  for await (const [key, value] of run.ctx.state.list(FILE_PREFIX)) {
    const r = FileRecordSchema.safeParse(value);
    if (r.success && r.data.g === cp.gen) continue;
    keys.push(key);
    if (keys.length >= 500) {
      yield { items: [], deletes: ids(), state: { delete: keys }, checkpoint: cp };
      keys = [];
    }
  }
  const next = compact({ ...cp, phase: 'changes' as const, token: cp.start!, start: undefined });
  yield { items: [], deletes: ids(), state: { delete: keys }, checkpoint: next };
  return next;
}

/**
 * Follows the change log from the token: removed (deleted, or access lost), trashed, moved out of the selected
 * folders → tombstones; files whose `modifiedTime` moved → read again. Returns `expired` when Drive refuses the token.
 */
async function* changesPhase(run: Run, cp: GoogleDriveCheckpoint): AsyncGenerator<DrivePage, 'expired' | 'done'> {
  const { ctx, client } = run;
  let token = cp.token!;
  for (;;) {
    if (ctx.signal.aborted) return 'done';
    let res;
    try {
      res = await client.changes(token, ctx.config.pageSize);
    } catch (err) {
      // A page token Drive no longer accepts answers 400 invalid (or 404): list again in full.
      const status = isTributaryError(err) ? (err.details?.googleStatus as number | undefined) : undefined;
      if (status === 400 || status === 404) return 'expired';
      throw err;
    }
    const latest = new Map<string, { removed: boolean; file?: DriveFile }>();
    for (const c of res.changes ?? []) {
      if (c.changeType && c.changeType !== 'file') continue;
      const id = c.fileId ?? c.file?.id;
      if (id) latest.set(id, { removed: c.removed === true, ...(c.file ? { file: c.file } : {}) });
    }
    const records = await ctx.state.getMany([...latest.keys()].map(fileKey));
    const gone: string[] = [];
    const toRead: DriveFile[] = [];
    const moved: Record<string, FileRecord> = {};
    for (const [id, c] of latest) {
      const known = records.get(fileKey(id));
      const record = FileRecordSchema.safeParse(known);
      if (c.removed || !c.file || !wanted(run, c.file)) {
        if (known !== undefined) gone.push(id);
        continue;
      }
      if (record.success && record.data.m && record.data.m === c.file.modifiedTime) {
        // A move inside the selection changes no text, but the record must follow it (see moves.ts).
        const parent = c.file.parents?.[0] ?? undefined;
        if (record.data.p !== parent) moved[fileKey(id)] = compact({ ...record.data, p: parent });
        continue;
      }
      toRead.push(c.file);
    }
    const parts = await readFiles(run, toRead, cp.gen);
    const nextPage = res.nextPageToken ?? undefined;
    const next: GoogleDriveCheckpoint = nextPage
      ? { ...cp, token: nextPage }
      : { ...cp, token: res.newStartPageToken ?? token };
    run.done += parts.items.length + gone.length;
    ctx.progress({ phase: 'changes', done: run.done });
    yield {
      items: parts.items,
      deletes: gone,
      errors: parts.errors,
      state: { set: { ...moved, ...parts.set }, delete: gone.map(fileKey) },
      checkpoint: next,
    };
    cp = next;
    if (!nextPage) return 'done';
    token = nextPage;
  }
}

async function startListing(
  run: Run,
  gen: number,
  prev: GoogleDriveCheckpoint | undefined,
): Promise<GoogleDriveCheckpoint> {
  const { ctx } = run;
  const start = await run.client.startPageToken();
  const since =
    ctx.since ?? (ctx.config.backfillDays ? new Date(ctx.clock.now() - ctx.config.backfillDays * DAY) : undefined);
  return compact({
    v: 1 as const,
    phase: 'list' as const,
    gen,
    start,
    after: prev?.after ?? since?.toISOString(),
    chId: prev?.chId,
    chRes: prev?.chRes,
    chExp: prev?.chExp,
  });
}

/** Opens or renews the `changes.watch` channel when push is on and it expires within `renewBeforeHours`. */
async function renewChannel(run: Run, cp: GoogleDriveCheckpoint): Promise<GoogleDriveCheckpoint> {
  const push = run.ctx.config.push;
  if (!push) return cp;
  const now = run.ctx.clock.now();
  if (cp.chExp !== undefined && cp.chExp - now > push.renewBeforeHours * 3_600_000) return cp;
  try {
    const ch = await run.client.watch(cp.token ?? cp.start ?? (await run.client.startPageToken()), {
      id: `tributary-${randomUUID()}`,
      address: push.address,
      token: push.token,
    });
    if (cp.chId && cp.chRes) await run.client.stop(cp.chId, cp.chRes).catch(() => undefined);
    return { ...cp, chId: ch.id!, chRes: ch.resourceId!, chExp: Number(ch.expiration ?? now + 7 * DAY) };
  } catch (err) {
    run.ctx.logger.warn('Google Drive changes.watch failed; push stays off until the next sync', {
      error: (err as Error).message,
    });
    return cp;
  }
}

/**
 * Reads Google Drive: a full listing first (bounded by `backfillDays`), then the change log from the start page
 * token taken before the listing. An invalid token starts a re-listing under a new generation and tombstones what it
 * no longer finds.
 */
export async function* readDrive(ctx: Ctx): AsyncGenerator<DrivePage> {
  if (ctx.signal.aborted) return;
  const client = new DriveClient(ctx);
  const run: Run = { ctx, client, tree: await loadFolders(client, ctx.config), done: 0 };
  let cp = ctx.checkpoint ?? (await startListing(run, 1, undefined));
  cp = await renewChannel(run, cp);
  const at = cp;
  let baseline = yield* reconcileFolders(
    { ctx, client, tree: run.tree, wanted: (f) => wanted(run, f), readFiles: (files) => readFiles(run, files, at.gen) },
    cp,
  );
  // The first record of the selected folders rides on the run's first page (no page of its own).
  for await (const page of follow(run, cp)) {
    if (baseline) {
      page.state = { ...page.state, set: { ...baseline, ...page.state?.set } };
      baseline = undefined;
    }
    yield page;
  }
}

/** The phases from the checkpoint on: listing, sweep, change log (and a re-listing when the token is refused). */
async function* follow(run: Run, cp: GoogleDriveCheckpoint): AsyncGenerator<DrivePage> {
  const { ctx } = run;
  for (;;) {
    if (ctx.signal.aborted) return;
    if (cp.phase === 'list') cp = yield* listPhase(run, cp);
    else if (cp.phase === 'sweep') cp = yield* sweepPhase(run, cp);
    else {
      if ((yield* changesPhase(run, cp)) === 'done') return;
      ctx.logger.warn('Google Drive change token no longer valid: listing everything again', { token: cp.token });
      cp = await startListing(run, cp.gen + 1, cp);
    }
  }
}
