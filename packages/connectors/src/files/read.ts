import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Item, Page, ReadContext } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk';
import { FILE_PREFIX, fileKey, FileStateSchema, type FileState, type FilesCheckpoint } from './checkpoint.js';
import type { FilesConfig } from './config.js';
import { globMatcher, openRoot, walkRoot } from './client.js';
import { guardedExclusion } from '../lib/guard.js';
import { UnreadableFile, extract } from './extract.js';
import { toFileItem } from './map.js';
import { fileTypeOf } from './types.js';
import { loadStateRecords } from '../lib/state-records.js';

type Ctx = ReadContext<FilesConfig, FilesCheckpoint>;
type PageError = { externalId?: string; message: string };

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new TributaryError('aborted', 'The folder read was paused or cancelled.');
}

/** The files' records committed so far (one pass over connector state, paged by the engine). */
function loadFiles(ctx: Ctx): Promise<Map<string, FileState>> {
  return loadStateRecords(ctx, FILE_PREFIX, FileStateSchema);
}

/**
 * Reads a folder. Files of a supported type that match `include` (when set) and not `exclude` are read when their
 * mtime or size changed, hashed to tell a touch from an edit, and extracted to text. Files that left the selection
 * (deleted, excluded, renamed) are reported as deletes on the last page. Per-file records are connector state,
 * written with the page that covers the file, so a page writes O(page) bytes.
 */
export async function* readFiles(ctx: Ctx): AsyncGenerator<Page<FilesCheckpoint>> {
  throwIfAborted(ctx.signal);
  const cfg = ctx.config;
  const root = await openRoot(cfg.rootDir);
  const included = cfg.include.length ? globMatcher(cfg.include, 'include') : undefined;
  const excluded = globMatcher(cfg.exclude, 'exclude');
  const rootName = path.basename(root);
  const maxBytes = cfg.maxFileSizeMb * 1024 * 1024;
  const prev = await loadFiles(ctx);
  const seen = new Set<string>();
  // The backfill bound holds for the whole first walk, across resumes; once a walk completed, new files are read.
  const sinceMs = ctx.checkpoint
    ? ctx.checkpoint.complete
      ? undefined
      : ctx.checkpoint.sinceMs
    : (ctx.since?.getTime() ?? (cfg.backfillDays ? ctx.clock.now() - cfg.backfillDays * 86_400_000 : undefined));
  const cursor = (complete: boolean): FilesCheckpoint => ({
    v: 2,
    complete,
    ...(!complete && sinceMs !== undefined ? { sinceMs } : {}),
  });
  let set: Record<string, FileState> = {};
  let changes = 0;
  const record = (rel: string, st: FileState): void => {
    set[fileKey(rel)] = st;
    changes++;
  };

  let items: Item[] = [];
  const errors: PageError[] = [];
  let done = 0;
  const walk = walkRoot(root, {
    excluded: guardedExclusion(ctx, root, excluded),
    followSymlinks: cfg.followSymlinks,
    onOutside: (rel) => errors.push({ message: `${rel}: symbolic link pointing outside rootDir: not followed` }),
    signal: ctx.signal,
  });
  for await (const f of walk) {
    throwIfAborted(ctx.signal);
    // A page holds at most pageSize files' records (items or not), so a page's writes stay O(page).
    if (changes >= cfg.pageSize || items.length >= cfg.pageSize) {
      done += items.length;
      ctx.progress({ phase: 'files', done });
      yield { items, state: { set }, checkpoint: cursor(false) };
      items = [];
      set = {};
      changes = 0;
    }
    if (included && !included(f.rel)) continue;
    const type = fileTypeOf(path.basename(f.rel));
    if (!type) {
      // Unknown types are skipped quietly, unless the user asked for this file by an include glob.
      if (included) errors.push({ externalId: f.rel, message: `${f.rel}: unsupported file type: skipped` });
      continue;
    }
    const m = f.stats.mtimeMs;
    const s = f.stats.size;
    const old = prev.get(f.rel);
    seen.add(f.rel);
    if (old && old.m === m && old.s === s) continue;
    if (!old && sinceMs !== undefined && m < sinceMs) {
      record(f.rel, { m, s, h: '' });
      continue;
    }
    if (s > maxBytes) {
      errors.push({
        externalId: f.rel,
        message: `${f.rel}: ${(s / 1048576).toFixed(1)} MB, over maxFileSizeMb (${cfg.maxFileSizeMb}): skipped`,
      });
      continue;
    }
    let buf: Buffer;
    try {
      buf = await readFile(f.abs);
    } catch (err) {
      errors.push({ externalId: f.rel, message: `${f.rel}: cannot read (${(err as Error).message})` });
      continue;
    }
    const h = createHash('sha256').update(buf).digest('hex');
    if (old && old.h === h) {
      record(f.rel, { m, s, h }); // touched, not edited
      continue;
    }
    let extracted;
    try {
      extracted = await extract(buf, type);
    } catch (err) {
      if (!(err instanceof UnreadableFile)) throw err;
      // Keep what was stored before (a half-written PDF is often fixed by the next save); say why it was skipped.
      // Binary files are only worth a message when an include glob asked for them.
      if (!err.binary || included) errors.push({ externalId: f.rel, message: `${f.rel}: ${err.message}: skipped` });
      continue;
    }
    record(f.rel, { m, s, h });
    items.push(toFileItem({ rel: f.rel, abs: f.abs, rootName, mtimeMs: m, size: s, type, extracted }));
  }
  throwIfAborted(ctx.signal);

  const deletes: string[] = [];
  const del: string[] = [];
  for (const [rel, st] of prev) {
    if (seen.has(rel)) continue;
    if (st.h !== '') deletes.push(rel);
    del.push(fileKey(rel));
  }
  yield {
    items,
    deletes,
    state: { set, delete: del },
    ...(errors.length ? { errors } : {}),
    checkpoint: cursor(true),
  };
}
