import { z } from 'zod';
import { HEAD_BYTES, readHead, readRange, sha, type LogFile } from './client.js';
import { LOG_FORMATS } from './formats/index.js';

/**
 * What connector state remembers of one log file's content. A file is recognised by its content, not its name: the
 * hash of its first bytes (`headHash` over `headLen` bytes) and, to tell apart files that merely start alike, the
 * hash of the last line read before `offset` (`checkHash` over `checkLen` bytes). `dev`/`ino` find the same file
 * again after a rename; `gzKey` marks a compressed copy already read to its end.
 */
export const FileStateSchema = z.object({
  /** Stable identity of the content, used in external ids: survives rename, copytruncate and gzip. */
  id: z.string().min(1),
  /** Path when first seen (the live name, e.g. access.log). */
  path: z.string(),
  dev: z.string(),
  ino: z.string(),
  headLen: z.number().int().nonnegative(),
  headHash: z.string(),
  /** Byte offset in the (decompressed) content where the next read starts: always a line start. */
  offset: z.number().int().nonnegative(),
  checkLen: z.number().int().nonnegative().default(0),
  checkHash: z.string().default(''),
  gzKey: z.string().optional(),
  format: z.enum([...LOG_FORMATS, 'unknown']).optional(),
  /** W3C `#Fields:` in force at `offset`. */
  fields: z.array(z.string()).optional(),
  /** Lines skipped because they did not parse, over the file's life. */
  malformed: z.number().int().nonnegative().default(0),
  lines: z.number().int().nonnegative().default(0),
  /** clock time of the last pass that saw the file; old unseen entries are dropped. */
  seenAt: z.number().default(0),
});
export type FileState = z.output<typeof FileStateSchema>;

/** Connector-state key of a file's {@link FileState} (by its content id). */
export const FILE_PREFIX = 'l:';
export const fileKey = (id: string): string => `${FILE_PREFIX}${id}`;

/**
 * Cursor of `logs`: only a version. Each log file's {@link FileState} is connector state (`l:<id>`), written by the
 * page that moved it. (A v1 checkpoint with the `files` array does not parse: the engine runs a clean re-sync.)
 */
export const LogsCheckpointSchema = z.object({ v: z.literal(2) }).strict();
export type LogsCheckpoint = z.output<typeof LogsCheckpointSchema>;

/** Entries not seen for this long are forgotten (their files were deleted by the rotation). */
export const FORGET_AFTER_MS = 30 * 24 * 3600 * 1000;
/** And at most this many are kept, newest first. */
export const MAX_ENTRIES = 2000;

export const gzKeyOf = (f: LogFile): string => `${f.dev}:${f.ino}:${f.size}`;

/** A file to read this pass and the state it continues. */
export interface Assignment {
  file: LogFile;
  state: FileState;
}

async function headMatches(file: LogFile, state: FileState, head: Buffer): Promise<boolean> {
  return head.length >= state.headLen && sha(head.subarray(0, state.headLen)) === state.headHash;
}

async function tailMatches(file: LogFile, state: FileState): Promise<boolean> {
  if (state.checkLen === 0) return true;
  if (file.gz) return true; // verified cheaply only for plain files; the head already matched
  if (file.size < state.offset) return false;
  const bytes = await readRange(file.path, state.offset - state.checkLen, state.checkLen);
  return sha(bytes) === state.checkHash;
}

/**
 * Pairs this pass's files with remembered states. In order: a .gz already read to its end is skipped; a plain file
 * with the same inode and the same content continues (rename keeps the inode); any file whose content starts like a
 * remembered one continues it (a copytruncate copy, a compressed rotated file); the rest start at 0.
 * @param states mutated: new states are appended
 */
export async function assignFiles(files: LogFile[], states: FileState[], now: number): Promise<Assignment[]> {
  const claimed = new Map<FileState, LogFile>();
  const heads = new Map<LogFile, Buffer>();
  const head = async (f: LogFile): Promise<Buffer> => {
    let h = heads.get(f);
    if (!h) heads.set(f, (h = await readHead(f, HEAD_BYTES)));
    return h;
  };
  const pending: LogFile[] = [];
  for (const f of files) {
    if (f.gz) {
      const done = states.find((s) => s.gzKey === gzKeyOf(f));
      if (done) {
        done.seenAt = now;
        continue;
      }
      pending.push(f);
      continue;
    }
    const same = states.find((s) => !claimed.has(s) && !s.gzKey && s.dev === f.dev && s.ino === f.ino);
    if (same && (await headMatches(f, same, await head(f))) && (await tailMatches(f, same))) claimed.set(same, f);
    else pending.push(f);
  }
  const fresh: Assignment[] = [];
  for (const f of pending) {
    const h = await head(f);
    if (h.length === 0 || (h.length < HEAD_BYTES && !h.includes(10))) continue; // no complete line yet
    const alike = states.filter(
      (s) =>
        s.headLen > 0 && !s.gzKey && (h.length >= s.headLen ? sha(h.subarray(0, s.headLen)) === s.headHash : false),
    );
    const open = alike.find((s) => !claimed.has(s));
    if (open && (await tailMatches(f, open))) {
      claimed.set(open, f);
      continue;
    }
    // A .gz whose original is still there and read this pass: gzip is mid-way; take it next pass.
    if (f.gz && alike.some((s) => claimed.get(s)?.gz === false)) continue;
    const headHash = sha(h);
    let id = headHash.slice(0, 16);
    for (let n = 2; states.some((s) => s.id === id); n++) id = `${headHash.slice(0, 16)}-${n}`;
    const state: FileState = {
      id,
      path: f.path,
      dev: f.dev,
      ino: f.ino,
      headLen: h.length,
      headHash,
      offset: 0,
      checkLen: 0,
      checkHash: '',
      malformed: 0,
      lines: 0,
      seenAt: now,
    };
    states.push(state);
    fresh.push({ file: f, state });
  }
  const continued: Assignment[] = [];
  for (const [state, file] of claimed) {
    // The content may have grown past the head we hashed when it was small: identify by more bytes from now on.
    const h = await head(file);
    if (h.length > state.headLen) Object.assign(state, { headLen: h.length, headHash: sha(h) });
    Object.assign(state, { dev: file.dev, ino: file.ino, seenAt: now });
    continued.push({ file, state });
  }
  return [...continued, ...fresh].sort(
    (a, b) => a.file.mtimeMs - b.file.mtimeMs || a.file.path.localeCompare(b.file.path),
  );
}

/** Drops states of files gone for a long time, keeping the state small. */
export function pruneStates(states: FileState[], now: number): FileState[] {
  return states
    .filter((s) => now - s.seenAt < FORGET_AFTER_MS)
    .sort((a, b) => b.seenAt - a.seenAt)
    .slice(0, MAX_ENTRIES);
}
