import { isTributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import {
  compact,
  FILE_PREFIX,
  fileKey,
  FileRecordSchema,
  FOLDER_PREFIX,
  folderKey,
  FolderRecordSchema,
  type FileRecord,
  type FolderRecord,
  type OneDriveCheckpoint,
} from './checkpoint.js';
import { GraphClient, type DriveItem } from './client.js';
import type { OneDriveConfig } from './config.js';
import { contentOf, readerOf } from './content.js';
import { FolderTree } from './folders.js';
import { toOneDriveItem } from './map.js';
import { syncSubscription } from './subscription.js';

type Ctx = ReadContext<OneDriveConfig, OneDriveCheckpoint>;
type DrivePage = Page<OneDriveCheckpoint>;
type PageErrors = Array<{ externalId?: string; message: string }>;

export interface Run {
  ctx: Ctx;
  client: GraphClient;
  tree: FolderTree;
  done: number;
  /** A folder moved or was renamed into or out of the selection: its files need a full round to be right. */
  selectionMoved: boolean;
}

/** Downloads and extracts files (`concurrency` at a time) into items and state records. */
async function readFiles(run: Run, files: DriveItem[], gen: number) {
  const { ctx, client, tree } = run;
  const items: Item[] = [];
  const set: Record<string, FileRecord> = {};
  const errors: PageErrors = [];
  const maxBytes = ctx.config.maxFileMb * 1024 * 1024;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++]!;
      const text = await contentOf(client, f, maxBytes);
      if ('skipped' in text) {
        errors.push({ externalId: f.id, message: `OneDrive file "${f.name}": ${text.skipped}` });
        continue;
      }
      items.push(toOneDriveItem(f, text, tree.pathOf(f.parentReference?.id)));
      set[fileKey(f.id)] = compact({ g: gen, e: f.eTag, p: f.parentReference?.id });
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.config.concurrency, files.length) }, worker));
  return { items, set, errors };
}

/**
 * One delta page → one engine page. Folders first (they build paths and the selection), then files: deleted →
 * tombstone; out of the selection or unreadable now but read before → tombstone; same eTag → nothing to download
 * (its record moves to this generation); otherwise downloaded and extracted.
 */
async function applyDelta(run: Run, value: DriveItem[], gen: number) {
  const { ctx, tree } = run;
  const folderSet: Record<string, FolderRecord> = {};
  const stateDelete: string[] = [];
  const files = new Map<string, DriveItem>();
  const deleted = new Set<string>();
  for (const it of value) {
    if (it.root) continue;
    if (it.deleted) {
      deleted.add(it.id);
      files.delete(it.id);
      if (tree.has(it.id)) {
        tree.remove(it.id);
        stateDelete.push(folderKey(it.id));
      }
    } else if (it.folder) {
      const before = tree.has(it.id) ? tree.selected(it.id) : undefined;
      const record: FolderRecord = compact({ n: it.name ?? it.id, p: it.parentReference?.id, g: gen });
      tree.set(it.id, record);
      folderSet[folderKey(it.id)] = record;
      if (before !== undefined && before !== tree.selected(it.id)) run.selectionMoved = true;
    } else if (it.file) {
      deleted.delete(it.id);
      files.set(it.id, it);
    }
  }
  const records = await ctx.state.getMany([...deleted, ...files.keys()].map(fileKey));
  const gone = [...deleted].filter((id) => records.has(fileKey(id)));
  const toRead: DriveItem[] = [];
  const keep: Record<string, FileRecord> = {};
  for (const [id, f] of files) {
    const known = FileRecordSchema.safeParse(records.get(fileKey(id)));
    if (!tree.selected(f.parentReference?.id) || !readerOf(f)) {
      if (records.has(fileKey(id))) gone.push(id);
      continue;
    }
    if (known.success && known.data.e && known.data.e === f.eTag) {
      if (known.data.g !== gen) keep[fileKey(id)] = { ...known.data, g: gen };
      continue;
    }
    toRead.push(f);
  }
  const parts = await readFiles(run, toRead, gen);
  stateDelete.push(...gone.map(fileKey));
  return {
    items: parts.items,
    deletes: gone,
    errors: parts.errors,
    state: { set: { ...folderSet, ...keep, ...parts.set }, delete: stateDelete },
  };
}

/**
 * Follows the delta query from the checkpoint: the `@odata.nextLink` of a round in progress, else the last
 * `@odata.deltaLink`, else the drive root (a first round lists everything). Returns `resync` when Graph answers
 * 410 Gone (the delta link is no longer valid).
 */
async function* deltaRound(
  run: Run,
  cp: OneDriveCheckpoint,
): AsyncGenerator<DrivePage, { outcome: 'done' | 'resync'; cp: OneDriveCheckpoint }> {
  const { ctx, client } = run;
  for (;;) {
    if (ctx.signal.aborted) return { outcome: 'done', cp };
    let res;
    try {
      res = await client.delta(cp.next ?? cp.link, ctx.config.pageSize);
    } catch (err) {
      if (
        isTributaryError(err) &&
        err.code === 'cursor_invalid' &&
        err.details?.resync === true &&
        (cp.next ?? cp.link)
      )
        return { outcome: 'resync', cp };
      throw err;
    }
    const page = await applyDelta(run, res.value ?? [], cp.gen);
    const nextLink = res['@odata.nextLink'];
    const deltaLink = res['@odata.deltaLink'];
    if (!nextLink && !deltaLink)
      throw new Error('OneDrive delta page has neither @odata.nextLink nor @odata.deltaLink');
    const next: OneDriveCheckpoint = nextLink
      ? { ...cp, next: nextLink }
      : compact({
          ...cp,
          phase: cp.resync ? ('sweep' as const) : ('delta' as const),
          next: undefined,
          link: deltaLink,
        });
    run.done += page.items.length + page.deletes.length;
    ctx.progress({ phase: cp.link && !cp.resync ? 'changes' : 'listing', done: run.done });
    yield { ...page, checkpoint: next };
    cp = next;
    if (!nextLink) return { outcome: 'done', cp };
  }
}

/** After a re-sync round: every file and folder record of an older generation is gone upstream (or unselected). */
async function* sweepPhase(run: Run, cp: OneDriveCheckpoint): AsyncGenerator<DrivePage, OneDriveCheckpoint> {
  const stale: string[] = [];
  for await (const [key, value] of run.ctx.state.list(FOLDER_PREFIX)) {
    const r = FolderRecordSchema.safeParse(value);
    if (!r.success || r.data.g !== cp.gen) stale.push(key);
  }
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
  const next = compact({ ...cp, phase: 'delta' as const, resync: undefined });
  yield { items: [], deletes: ids(), state: { delete: [...keys, ...stale] }, checkpoint: next };
  return next;
}

/** A new round from the drive root under the next generation (what it does not see again is swept after it). */
const resyncFrom = (cp: OneDriveCheckpoint): OneDriveCheckpoint =>
  compact({
    v: 1 as const,
    phase: 'delta' as const,
    gen: cp.gen + 1,
    resync: true,
    subId: cp.subId,
    subExp: cp.subExp,
  });

/**
 * Reads a OneDrive / SharePoint drive through the delta query: a first round lists every item, later rounds only
 * what changed since the last delta link. 410 Gone starts a clean re-sync under a new generation and tombstones
 * what it no longer finds. Also creates, renews or re-creates the change-notification subscription when push is on.
 */
export async function* readOneDrive(ctx: Ctx): AsyncGenerator<DrivePage> {
  if (ctx.signal.aborted) return;
  const client = new GraphClient(ctx);
  const run: Run = { ctx, client, tree: await FolderTree.load(ctx.state, ctx.config), done: 0, selectionMoved: false };
  let cp: OneDriveCheckpoint = ctx.checkpoint ?? { v: 1, phase: 'delta', gen: 1 };
  cp = await syncSubscription(run, cp);
  for (;;) {
    if (ctx.signal.aborted) return;
    if (cp.phase === 'sweep') {
      cp = yield* sweepPhase(run, cp);
      return;
    }
    const r = yield* deltaRound(run, cp);
    cp = r.cp;
    if (r.outcome === 'resync') {
      ctx.logger.warn('OneDrive delta link no longer valid (410 Gone): reading the drive again in full');
      cp = resyncFrom(cp);
    } else if (run.selectionMoved && !cp.next) {
      ctx.logger.info('A OneDrive folder moved into or out of the selection: reading the drive again in full');
      run.selectionMoved = false;
      cp = resyncFrom(cp);
    } else if (cp.phase !== 'sweep') return;
  }
}
