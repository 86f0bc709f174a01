import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Item, Page, ReadContext } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk';
import {
  NOTE_PREFIX,
  noteId,
  noteKey,
  NoteStateSchema,
  type NoteState,
  type ObsidianCheckpoint,
} from './checkpoint.js';
import { MAX_NOTE_BYTES, type ObsidianConfig } from './config.js';
import { toNoteItem } from './map.js';
import { createLinkResolver, parseNote } from './parse.js';
import { STAT_BATCH, ignoreMatcher, openVault, walkVault, type WalkSkip } from './client.js';
import { guardedExclusion } from '../lib/guard.js';
import { loadStateRecords } from '../lib/state-records.js';

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

/** Notes read ahead at most (count, and bytes by their listed sizes). */
const READ_AHEAD = STAT_BATCH;
const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/**
 * Reads `queue` (the notes to read, in the order they will be asked for) a few files ahead: one read at a time waits
 * for a thread-pool round trip per note, and on a busy machine that wait, not the work, made a first sync's time
 * erratic. Memory stays bounded by READ_AHEAD_BYTES (or one note). A failed read resolves to its Error.
 */
function readAhead(queue: NoteFile[]): (note: NoteFile) => Promise<Buffer | Error> {
  const inFlight = new Map<string, { size: number; read: Promise<Buffer | Error> }>();
  let next = 0;
  let bytes = 0;
  const fill = (): void => {
    while (next < queue.length) {
      const n = queue[next]!;
      if (inFlight.size > 0 && (inFlight.size >= READ_AHEAD || bytes + n.s > READ_AHEAD_BYTES)) return;
      inFlight.set(n.rel, { size: n.s, read: readFile(n.abs).catch((err: Error) => err) });
      bytes += n.s;
      next++;
    }
  };
  return (note) => {
    fill();
    const entry = inFlight.get(note.rel);
    if (!entry) return readFile(note.abs).catch((err: Error) => err); // not in the queue: read it now
    inFlight.delete(note.rel);
    bytes -= entry.size;
    fill();
    return entry.read;
  };
}

/** The notes' records committed so far (one pass over connector state, paged by the engine). */
function loadNotes(ctx: Ctx): Promise<Map<string, NoteState>> {
  return loadStateRecords(ctx, NOTE_PREFIX, NoteStateSchema);
}

/**
 * Reads a vault. Lists the notes (paths and stats only), then reads the ones whose mtime or size changed since
 * their connector-state record, hashing them to tell a touch from an edit. A note that vanished while a new path
 * with the same hash appeared is a rename: it is yielded under its old externalId. Vanished notes are reported as
 * deletes on the last page. Each page carries the records of its notes only, so bytes written are O(page).
 */
export async function* readVault(ctx: Ctx): AsyncGenerator<Page<ObsidianCheckpoint>> {
  throwIfAborted(ctx.signal);
  const root = await openVault(ctx.config.vaultPath);
  const ignored = ignoreMatcher(ctx.config.ignore);
  const vaultName = path.basename(root);
  const prev = await loadNotes(ctx);

  const skips: WalkSkip[] = [];
  const notes: NoteFile[] = [];
  for await (const f of walkVault(root, guardedExclusion(ctx, root, ignored), (s) => skips.push(s), ctx.signal)) {
    if (f.rel.toLowerCase().endsWith('.md'))
      notes.push({ rel: f.rel, abs: f.abs, m: f.stats.mtimeMs, s: f.stats.size });
  }
  throwIfAborted(ctx.signal);
  const present = new Set(notes.map((n) => n.rel));
  const resolve = createLinkResolver(present);

  const goneByHash = new Map<string, string[]>();
  const usedIds = new Set<string>();
  for (const [p, st] of prev) {
    usedIds.add(noteId(p, st));
    // Empty notes all share one hash: matching them would pair unrelated notes, so they never count as renames.
    if (present.has(p) || st.h === '' || st.s === 0) continue;
    const list = goneByHash.get(st.h);
    if (list) list.push(p);
    else goneByHash.set(st.h, [p]);
  }
  // The backfill bound holds for the whole first scan, across resumes; once a scan completed, new notes are read.
  const sinceMs = ctx.checkpoint
    ? ctx.checkpoint.complete
      ? undefined
      : ctx.checkpoint.sinceMs
    : (ctx.since?.getTime() ??
      (ctx.config.backfillDays ? ctx.clock.now() - ctx.config.backfillDays * 86_400_000 : undefined));
  const cursor = (complete: boolean): ObsidianCheckpoint => ({
    v: 2,
    complete,
    ...(!complete && sinceMs !== undefined ? { sinceMs } : {}),
  });

  let items: Item[] = [];
  let set: Record<string, NoteState> = {};
  let del: string[] = [];
  let changes = 0;
  const record = (rel: string, st: NoteState): void => {
    set[noteKey(rel)] = st;
    changes++;
  };
  const errors: Array<{ externalId?: string; message: string }> = skips.map((s) => ({
    message: `${s.rel}: ${s.reason}`,
  }));
  let done = 0;
  const readNote = readAhead(
    notes.filter((n) => {
      const old = prev.get(n.rel);
      if (old && old.m === n.m && old.s === n.s) return false;
      return (old || sinceMs === undefined || n.m >= sinceMs) && n.s <= MAX_NOTE_BYTES;
    }),
  );
  for (const note of notes) {
    throwIfAborted(ctx.signal);
    const old = prev.get(note.rel);
    if (old && old.m === note.m && old.s === note.s) continue;
    if (!old && sinceMs !== undefined && note.m < sinceMs) record(note.rel, { m: note.m, s: note.s, h: '' });
    else if (note.s > MAX_NOTE_BYTES) {
      record(note.rel, old ? { ...old, m: note.m, s: note.s } : { m: note.m, s: note.s, h: '' });
      errors.push({
        externalId: noteId(note.rel, old),
        message: `${note.rel}: ${note.s} bytes, over the ${MAX_NOTE_BYTES}-byte limit: skipped`,
      });
    } else {
      let buf: Buffer | undefined;
      const got = await readNote(note);
      if (got instanceof Error) {
        errors.push({ externalId: noteId(note.rel, old), message: `${note.rel}: cannot read (${got.message})` });
      } else buf = got;
      if (buf) {
        const h = createHash('sha256').update(buf).digest('hex');
        if (old && old.h === h)
          record(note.rel, { ...old, m: note.m, s: note.s }); // touched, not edited
        else {
          let id: string;
          if (old) id = noteId(note.rel, old);
          else {
            const from = goneByHash.get(h)?.shift();
            if (from !== undefined) {
              id = noteId(from, prev.get(from));
              prev.delete(from);
              del.push(noteKey(from));
            } else {
              id = freeId(note.rel, usedIds);
              usedIds.add(id);
            }
          }
          record(note.rel, { m: note.m, s: note.s, h, ...(id !== note.rel ? { id } : {}) });
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
        }
      }
    }
    // A page holds at most pageSize notes' records (items or not), so a page's writes stay O(page).
    if (changes >= ctx.config.pageSize) {
      done += items.length;
      ctx.progress({ phase: 'notes', done, total: notes.length });
      yield { items, state: { set, delete: del }, checkpoint: cursor(false) };
      items = [];
      set = {};
      del = [];
      changes = 0;
    }
  }

  const deletes: string[] = [];
  for (const [p, st] of prev) {
    if (present.has(p)) continue;
    if (st.h !== '') deletes.push(noteId(p, st));
    del.push(noteKey(p));
  }
  yield {
    items,
    deletes,
    state: { set, delete: del },
    ...(errors.length ? { errors } : {}),
    checkpoint: cursor(true),
  };
}
