import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Item, Page, ReadContext } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk';
import { noteId, type NoteState, type ObsidianCheckpoint } from './checkpoint.js';
import { MAX_NOTE_BYTES, type ObsidianConfig } from './config.js';
import { toNoteItem } from './map.js';
import { createLinkResolver, parseNote } from './parse.js';
import { ignoreMatcher, openVault, walkVault, type WalkSkip } from './client.js';

type Ctx = ReadContext<ObsidianConfig, ObsidianCheckpoint>;

interface NoteFile {
  rel: string;
  abs: string;
  m: number;
  s: number;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new TributaryError('aborted', 'The vault read was paused or cancelled.');
}

/** An id for a new note: its path, unless a renamed note already carries that path as its id. */
function freeId(rel: string, used: Set<string>): string {
  if (!used.has(rel)) return rel;
  for (let n = 2; ; n++) if (!used.has(`${rel}#${n}`)) return `${rel}#${n}`;
}

/**
 * Reads a vault. Lists the notes (paths and stats only), then reads the ones whose mtime or size changed, hashing
 * them to tell a touch from an edit. A note that vanished while a new path with the same hash appeared is a rename:
 * it is yielded under its old externalId. Vanished notes are reported as deletes on the last page.
 */
export async function* readVault(ctx: Ctx): AsyncGenerator<Page<ObsidianCheckpoint>> {
  throwIfAborted(ctx.signal);
  const root = await openVault(ctx.config.vaultPath);
  const ignored = ignoreMatcher(ctx.config.ignore);
  const vaultName = path.basename(root);
  const prev = ctx.checkpoint?.files ?? {};

  const skips: WalkSkip[] = [];
  const notes: NoteFile[] = [];
  for await (const f of walkVault(root, ignored, (s) => skips.push(s), ctx.signal)) {
    if (f.rel.toLowerCase().endsWith('.md'))
      notes.push({ rel: f.rel, abs: f.abs, m: f.stats.mtimeMs, s: f.stats.size });
  }
  throwIfAborted(ctx.signal);
  const present = new Set(notes.map((n) => n.rel));
  const resolve = createLinkResolver(present);

  const files: Record<string, NoteState> = { ...prev };
  const goneByHash = new Map<string, string[]>();
  for (const [p, st] of Object.entries(prev)) {
    // Empty notes all share one hash: matching them would pair unrelated notes, so they never count as renames.
    if (present.has(p) || st.h === '' || st.s === 0) continue;
    const list = goneByHash.get(st.h);
    if (list) list.push(p);
    else goneByHash.set(st.h, [p]);
  }
  const usedIds = new Set(Object.entries(prev).map(([p, st]) => noteId(p, st)));
  const sinceMs = ctx.checkpoint
    ? undefined
    : (ctx.since?.getTime() ??
      (ctx.config.backfillDays ? ctx.clock.now() - ctx.config.backfillDays * 86_400_000 : undefined));

  let items: Item[] = [];
  const errors: Array<{ externalId?: string; message: string }> = skips.map((s) => ({
    message: `${s.rel}: ${s.reason}`,
  }));
  let done = 0;
  for (const note of notes) {
    throwIfAborted(ctx.signal);
    const old = prev[note.rel];
    if (old && old.m === note.m && old.s === note.s) continue;
    if (!old && sinceMs !== undefined && note.m < sinceMs) {
      files[note.rel] = { m: note.m, s: note.s, h: '' };
      continue;
    }
    if (note.s > MAX_NOTE_BYTES) {
      files[note.rel] = old ? { ...old, m: note.m, s: note.s } : { m: note.m, s: note.s, h: '' };
      errors.push({
        externalId: noteId(note.rel, old),
        message: `${note.rel}: ${note.s} bytes, over the ${MAX_NOTE_BYTES}-byte limit: skipped`,
      });
      continue;
    }
    let buf: Buffer;
    try {
      buf = await readFile(note.abs);
    } catch (err) {
      errors.push({
        externalId: noteId(note.rel, old),
        message: `${note.rel}: cannot read (${(err as Error).message})`,
      });
      continue;
    }
    const h = createHash('sha256').update(buf).digest('hex');
    if (old && old.h === h) {
      files[note.rel] = { ...old, m: note.m, s: note.s }; // touched, not edited
      continue;
    }
    let id: string;
    if (old) id = noteId(note.rel, old);
    else {
      const from = goneByHash.get(h)?.shift();
      if (from !== undefined) {
        id = noteId(from, prev[from]);
        delete files[from];
      } else {
        id = freeId(note.rel, usedIds);
        usedIds.add(id);
      }
    }
    files[note.rel] = { m: note.m, s: note.s, h, ...(id !== note.rel ? { id } : {}) };
    items.push(
      toNoteItem({
        path: note.rel,
        externalId: id,
        vaultName,
        mtimeMs: note.m,
        size: note.s,
        parsed: parseNote(buf.toString('utf8')),
        resolve,
      }),
    );
    if (items.length >= ctx.config.pageSize) {
      done += items.length;
      ctx.progress({ phase: 'notes', done, total: notes.length });
      yield { items, checkpoint: { files: { ...files } } };
      items = [];
    }
  }

  const deletes: string[] = [];
  for (const [p, st] of Object.entries(files)) {
    if (present.has(p)) continue;
    if (st.h !== '') deletes.push(noteId(p, st));
    delete files[p];
  }
  yield { items, deletes, ...(errors.length ? { errors } : {}), checkpoint: { files } };
}
