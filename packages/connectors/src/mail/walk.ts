import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** A regular file under a root, with its path relative to the root (always `/`-separated). */
export interface WalkedFile {
  rel: string;
  abs: string;
  stats: Stats;
}

/**
 * Lists regular files under `root`, sorted by relative path. Symlinks are not followed, so nothing outside the
 * configured root is ever read. A directory that cannot be listed is reported through `onError` and skipped.
 */
export async function walkFiles(
  root: string,
  accept: (rel: string, isDir: boolean) => boolean,
  onError: (rel: string, err: Error) => void = () => undefined,
): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  const visit = async (relDir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, relDir), { withFileTypes: true });
    } catch (err) {
      onError(relDir || '.', err as Error);
      return;
    }
    for (const d of entries) {
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (accept(rel, true)) await visit(rel);
      } else if (d.isFile() && accept(rel, false)) {
        const abs = path.join(root, rel);
        try {
          out.push({ rel, abs, stats: await stat(abs) });
        } catch (err) {
          // Deleted or renamed since the directory was read: not there, so not listed (and not an error).
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onError(rel, err as Error);
        }
      }
    }
  };
  await visit('');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
