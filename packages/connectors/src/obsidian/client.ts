import { opendir, lstat, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { TributaryError, resolveInsideRoot } from '@tributary/sdk';

/** A regular file found in the vault. */
export interface VaultFile {
  /** Path relative to the vault, with `/` separators. */
  rel: string;
  /** Real absolute path (inside the vault). */
  abs: string;
  stats: Stats;
}

/** Something skipped that the user should hear about (a symlink out of the vault). */
export interface WalkSkip {
  rel: string;
  reason: string;
}

/** How many file stats (and, in read.ts, note reads) are in flight at once. */
export const STAT_BATCH = 32;

/** Folders Obsidian itself keeps out of the vault's notes. */
const ALWAYS_SKIPPED = new Set(['.obsidian', '.trash', '.git', 'node_modules']);

/**
 * Builds the `ignore` test: plain entries are folders or files relative to the vault (`Archive`, `Daily/2020`), entries
 * with glob characters are picomatch globs (`**\/drafts/**`).
 * @throws TributaryError `path_outside_root` for an entry that is absolute or climbs out with `..`
 */
export function ignoreMatcher(patterns: string[]): (rel: string) => boolean {
  const plain: string[] = [];
  const globs: Array<(p: string) => boolean> = [];
  for (const raw of patterns) {
    const p = raw.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    if (path.posix.isAbsolute(p) || p.split('/').includes('..')) {
      throw new TributaryError(
        'path_outside_root',
        `ignore entry "${raw}" must be relative to the vault (no leading "/" and no "..").`,
        { issues: [{ path: 'config.ignore', message: 'outside the vault' }] },
      );
    }
    if (/[*?[\]{}!]/.test(p)) globs.push(picomatch(p, { dot: true, basename: !p.includes('/') }));
    else if (p !== '') plain.push(p);
  }
  return (rel) => plain.some((p) => rel === p || rel.startsWith(p + '/')) || globs.some((g) => g(rel));
}

/**
 * Resolves the vault folder. @throws TributaryError `invalid_config` when it is missing or not a folder
 */
export async function openVault(vaultPath: string): Promise<string> {
  let s: Stats;
  try {
    s = await stat(vaultPath);
  } catch {
    throw new TributaryError(
      'invalid_config',
      `vaultPath "${vaultPath}" does not exist: set it to your Obsidian vault folder.`,
      { issues: [{ path: 'config.vaultPath', message: 'does not exist' }] },
    );
  }
  if (!s.isDirectory()) {
    throw new TributaryError(
      'invalid_config',
      `vaultPath "${vaultPath}" is a file, not a folder: set it to your Obsidian vault folder.`,
      { issues: [{ path: 'config.vaultPath', message: 'not a directory' }] },
    );
  }
  return resolveInsideRoot(vaultPath, '.');
}

/**
 * Walks the vault depth-first in name order (deterministic), yielding regular files. Hidden folders, `.obsidian`,
 * `.trash` and ignored paths are skipped; symlinked folders are never entered; a symlinked file is read only when it
 * resolves inside the vault, otherwise it is reported through `onSkip`.
 */
export async function* walkVault(
  root: string,
  ignored: (rel: string) => boolean,
  onSkip: (s: WalkSkip) => void,
  signal?: AbortSignal,
): AsyncGenerator<VaultFile> {
  root = await realpath(root);
  const stack: string[] = [''];
  while (stack.length) {
    if (signal?.aborted) return;
    const dirRel = stack.pop()!;
    const names: Array<{ name: string; dir: boolean; link: boolean; plain: boolean }> = [];
    for await (const d of await opendir(path.join(root, dirRel))) {
      names.push({ name: d.name, dir: d.isDirectory(), link: d.isSymbolicLink(), plain: d.isFile() });
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    const files: Array<{ rel: string; abs: string; link: boolean }> = [];
    for (const { name, dir, link, plain } of names) {
      const rel = dirRel ? `${dirRel}/${name}` : name;
      if (name.startsWith('.') || ALWAYS_SKIPPED.has(name) || ignored(rel)) continue;
      if (dir) {
        subdirs.push(rel);
        continue;
      }
      // A plain file in a folder the walk entered (never through a link) from the real root is its own real path:
      // resolving it again (a realpath, one lstat per path component) was 40% of an unchanged re-sync's CPU.
      if (plain) {
        files.push({ rel, abs: path.join(root, rel), link });
        continue;
      }
      try {
        files.push({ rel, abs: resolveInsideRoot(root, rel), link });
      } catch (err) {
        if ((err as TributaryError).code === 'path_outside_root')
          onSkip({ rel, reason: 'symlink pointing outside the vault: skipped' });
      }
    }
    // The stats of a folder's files are asked STAT_BATCH at a time: one at a time, each waits for a thread-pool round
    // trip, and on a busy machine that wait (not the work) made a large vault's scan slow and its time erratic.
    for (let i = 0; i < files.length; i += STAT_BATCH) {
      const batch = files.slice(i, i + STAT_BATCH);
      const stats = await Promise.all(batch.map((f) => lstat(f.abs).catch(() => undefined)));
      for (let k = 0; k < batch.length; k++) {
        const st = stats[k];
        const f = batch[k]!;
        if (!st) continue; // vanished meanwhile, or a dangling link
        if (f.link && st.isDirectory()) continue; // never enter linked folders (cycles, duplicates)
        if (st.isFile()) yield { rel: f.rel, abs: f.abs, stats: st };
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}
