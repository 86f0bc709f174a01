import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { TributaryError, resolveInsideRoot } from '@tributary/sdk';

/** A regular file found under the root. */
export interface FoundFile {
  /** Path relative to the root, `/` separators (through links when `followSymlinks`). */
  rel: string;
  /** Real absolute path, inside the root. */
  abs: string;
  stats: Stats;
}

export interface WalkOptions {
  excluded: (rel: string) => boolean;
  followSymlinks: boolean;
  /** Called for a link that points outside the root (never followed). */
  onOutside: (rel: string) => void;
  signal?: AbortSignal;
}

/**
 * Compiles globs relative to the root. @throws TributaryError `path_outside_root` for an absolute glob or one with `..`
 */
export function globMatcher(globs: string[], field: string): (rel: string) => boolean {
  const matchers = globs.map((raw) => {
    const g = raw.replace(/\\/g, '/').replace(/^\.\//, '');
    if (path.posix.isAbsolute(g) || /^[a-zA-Z]:\//.test(g) || g.split('/').includes('..')) {
      throw new TributaryError(
        'path_outside_root',
        `${field} glob "${raw}" must be relative to rootDir (no leading "/" and no "..").`,
        { issues: [{ path: `config.${field}`, message: 'outside rootDir' }] },
      );
    }
    const glob = g.replace(/\/+$/, '/**');
    // picomatch's `basename` option breaks globs with a slash, so only bare names get it (`*.pdf` anywhere).
    return picomatch(glob, { dot: true, basename: !glob.includes('/') });
  });
  return (rel) => matchers.some((m) => m(rel));
}

/** Resolves the root folder. @throws TributaryError `invalid_config` when it is missing or not a folder */
export async function openRoot(rootDir: string): Promise<string> {
  let s: Stats;
  try {
    s = await stat(rootDir);
  } catch {
    throw new TributaryError('invalid_config', `rootDir "${rootDir}" does not exist: set it to the folder to read.`, {
      issues: [{ path: 'config.rootDir', message: 'does not exist' }],
    });
  }
  if (!s.isDirectory()) {
    throw new TributaryError(
      'invalid_config',
      `rootDir "${rootDir}" is a file, not a folder: set it to the folder that holds it.`,
      { issues: [{ path: 'config.rootDir', message: 'not a directory' }] },
    );
  }
  return resolveInsideRoot(rootDir, '.');
}

/**
 * Walks the root depth-first in name order (deterministic). Excluded folders are not entered. Symbolic links are
 * skipped unless `followSymlinks`; even then a link resolving outside the root is reported and never followed, and a
 * folder reached twice (a link cycle) is read once.
 */
export async function* walkRoot(root: string, o: WalkOptions): AsyncGenerator<FoundFile> {
  const seenDirs = new Set<string>([root]);
  const stack: Array<{ rel: string; abs: string }> = [{ rel: '', abs: root }];
  while (stack.length) {
    if (o.signal?.aborted) return;
    const dir = stack.pop()!;
    const entries: Array<{ name: string; dir: boolean; link: boolean }> = [];
    try {
      for await (const d of await opendir(dir.abs))
        entries.push({ name: d.name, dir: d.isDirectory(), link: d.isSymbolicLink() });
    } catch {
      continue; // unreadable or vanished folder
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: Array<{ rel: string; abs: string }> = [];
    for (const e of entries) {
      const rel = dir.rel ? `${dir.rel}/${e.name}` : e.name;
      if (o.excluded(rel)) continue;
      let abs = path.join(dir.abs, e.name);
      if (e.link) {
        if (!o.followSymlinks) continue;
        try {
          abs = resolveInsideRoot(root, path.relative(root, abs));
        } catch (err) {
          if ((err as TributaryError).code === 'path_outside_root') o.onOutside(rel);
          continue;
        }
      }
      const st = await (e.link ? stat(abs) : lstat(abs)).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) {
        const real = e.link ? abs : await realpath(abs).catch(() => abs);
        if (!seenDirs.has(real)) {
          seenDirs.add(real);
          subdirs.push({ rel, abs: real });
        }
      } else if (st.isFile()) yield { rel, abs, stats: st };
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}
