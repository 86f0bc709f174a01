import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { MaildirConfig } from './config.js';
import { splitMaildirName, type MaildirName } from './flags.js';

/** One message file of the tree. */
export interface MaildirEntry {
  /** `<folder>/<unique>`: stable while flags change or the file moves from new/ to cur/. */
  key: string;
  sig: string;
  folder: string;
  sub: 'cur' | 'new';
  abs: string;
  rel: string;
  name: Pick<MaildirName, 'unique' | 'raw'>;
}

/** A Maildir folder: `INBOX` for the root, Maildir++ `.A.B` as `A/B`, a nested Maildir by its relative path. */
export interface MaildirFolder {
  name: string;
  dir: string;
}

/**
 * Whether `dir` holds a `cur/` or `new/`. A stat that fails for another reason than absence is reported: taking the
 * folder for "not a Maildir" in silence would make every message in it look deleted.
 */
async function isMaildir(dir: string, name: string, onError: (msg: string) => void): Promise<boolean> {
  let failure: Error | undefined;
  for (const sub of ['cur', 'new']) {
    try {
      if ((await stat(path.join(dir, sub))).isDirectory()) return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') failure ??= err as Error;
    }
  }
  if (failure) onError(`${name}: cannot read folder: ${failure.message}`);
  return false;
}

/** Finds the folders of the tree (symlinks are not followed). */
export async function listFolders(root: string, onError: (msg: string) => void): Promise<MaildirFolder[]> {
  const out: MaildirFolder[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    if (await isMaildir(dir, prefix || 'INBOX', onError)) out.push({ name: prefix || 'INBOX', dir });
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      onError(`${prefix || '.'}: cannot list folder: ${(err as Error).message}`);
      return;
    }
    for (const d of entries) {
      if (!d.isDirectory() || ['cur', 'new', 'tmp'].includes(d.name)) continue;
      if (d.name.startsWith('.')) {
        // Maildir++: every subfolder sits flat in the root as .Parent.Child.
        const name = d.name.slice(1).split('.').join('/');
        if (prefix === '' && d.name.length > 1 && (await isMaildir(path.join(dir, d.name), name, onError))) {
          out.push({ name, dir: path.join(dir, d.name) });
        }
        continue;
      }
      await visit(path.join(dir, d.name), prefix ? `${prefix}/${d.name}` : d.name);
    }
  };
  await visit(root, '');
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The folders that includeFolders/excludeFolders select, sorted by name. A tree with no Maildir folder at all is an
 * error, not an empty mailbox: a disk not mounted, a path emptied by a restore — taking it at its word would delete
 * every message synced (a mailbox really emptied still has its cur/ and new/).
 */
export async function selectFolders(
  config: MaildirConfig,
  errors: Array<{ message: string }>,
): Promise<MaildirFolder[]> {
  const include = picomatch(config.includeFolders, { dot: true });
  const exclude = config.excludeFolders.length ? picomatch(config.excludeFolders, { dot: true }) : () => false;
  const before = errors.length;
  const all = await listFolders(config.rootDir, (message) => errors.push({ message }));
  if (!all.length && errors.length === before)
    errors.push({ message: 'rootDir holds no Maildir folder (no cur/ or new/ in it or below): nothing is deleted' });
  return all.filter((f) => include(f.name) && !exclude(f.name));
}

/**
 * Lists the message files of the selected folders (or of `folders`), sorted by key, one entry per key.
 *
 * `new/` is listed before `cur/`: a client moves a message from new/ to cur/ (never back), so a move between the two
 * listings shows the message in both (the `cur/` name is kept) rather than in neither — which would make it look
 * deleted for one run.
 */
export async function listMessages(
  config: MaildirConfig,
  errors: Array<{ message: string }>,
  folders?: MaildirFolder[],
): Promise<MaildirEntry[]> {
  folders ??= await selectFolders(config, errors);
  const out: MaildirEntry[] = [];
  for (const folder of folders) {
    for (const sub of ['new', 'cur'] as const) {
      let names: Dirent[];
      const dir = path.join(folder.dir, sub);
      try {
        names = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          errors.push({ message: `${folder.name}/${sub}: cannot list folder: ${(err as Error).message}` });
        continue;
      }
      const relDir = path.relative(config.rootDir, dir).split(path.sep).join('/');
      for (const d of names) {
        if (d.name.startsWith('.') || !d.isFile()) continue;
        // No stat per file: a Maildir message is never rewritten in place (a change of flags renames it, a new
        // message is a new file), so its name says all a re-read needs. 20k stats cost more than the whole diff.
        const name = splitMaildirName(d.name);
        const sig = `${sub}:${name.raw}`;
        // What path.join would give (dir is normalised; a listed name holds no separator), without normalising
        // 20,000 times.
        const abs = dir + path.sep + d.name;
        const rel = relDir ? `${relDir}/${d.name}` : d.name;
        out.push({ key: `${folder.name}/${name.unique}`, sig, folder: folder.name, sub, abs, rel, name });
      }
    }
  }
  // Stable sort: of two entries with one key, the one listed later (cur/) comes second and wins.
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out.filter((e, i) => out[i + 1]?.key !== e.key);
}

/** The raw bytes of one message. */
export function readMessage(entry: MaildirEntry): Promise<Uint8Array> {
  return readFile(entry.abs);
}
