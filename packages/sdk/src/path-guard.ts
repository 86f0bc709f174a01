import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { TributaryError } from './errors.js';
import { isInside } from './paths.js';

/**
 * What a source may read on this machine. The engine builds one per source from its data dir (never readable,
 * whatever the roots) and the owner's allowed roots; local connectors call it for the paths they open, and tree
 * walkers for every entry, so a symlink, a `..` or a root that contains the data dir never reaches the vault key
 * or the database.
 */
export interface PathGuard {
  /**
   * Resolves `target` (symlinks, `..`; a path not created yet through its nearest existing folder) and returns
   * the real path when it may be read.
   * @throws TributaryError `forbidden` naming `field` when it is protected or outside the allowed roots
   */
  check(target: string, field?: string): string;
  /** True when `target` must be skipped (protected, or outside the allowed roots). Never throws. */
  denied(target: string): boolean;
  /**
   * Whether a protected path lies inside `dir` (a root that contains the data dir). A tree walk whose root was
   * checked and which never leaves it only needs per-entry {@link denied} checks when this is true.
   */
  overlaps(dir: string): boolean;
  /** The allowed roots (real paths), or null when every path outside the protected ones may be read. */
  readonly allowedRoots: readonly string[] | null;
}

export interface PathGuardOptions {
  /** Never readable: the data dir, the keyring file, the database file and its -wal/-shm. */
  protectedPaths: readonly string[];
  /** null or undefined: no restriction besides `protectedPaths` (admins, the embedded owner). */
  allowedRoots?: readonly string[] | null;
}

/** A guard that allows everything: for contexts built outside the engine (tests, benches). */
export const openPathGuard: PathGuard = {
  check: (target) => realOrResolved(target),
  denied: () => false,
  overlaps: () => false,
  allowedRoots: null,
};

/** Builds a guard; protected paths and roots are resolved once (they may be symlinks themselves). */
export function createPathGuard(options: PathGuardOptions): PathGuard {
  const protectedReal = unique(options.protectedPaths.flatMap((p) => [path.resolve(p), realOrResolved(p)]));
  // A hard link to the keyring or the database has another name but the same inode.
  const protectedInodes = new Set(protectedReal.flatMap(inodesOf));
  const roots = options.allowedRoots ? unique(options.allowedRoots.map(realOrResolved)) : null;

  const reason = (real: string, lexical: string): string | null => {
    for (const p of protectedReal) {
      if (isInside(p, real) || isInside(p, lexical)) return 'is inside the server’s data directory (never readable)';
    }
    if (protectedInodes.size && protectedInodes.has(inodeKey(real))) return 'is a link to a protected server file';
    if (roots && !roots.some((r) => isInside(r, real) && isInside(r, lexical)))
      return roots.length === 0
        ? 'is a local path, and no allowed roots were granted to you (ask an admin)'
        : `is outside your allowed roots (${roots.join(', ')})`;
    return null;
  };

  return {
    allowedRoots: roots,
    check(target, field = 'path') {
      const lexical = path.resolve(target);
      const real = realOrResolved(target);
      const why = reason(real, lexical);
      if (why)
        throw new TributaryError('forbidden', `${field}: "${target}" ${why}.`, {
          issues: [{ path: field, message: why }],
        });
      return real;
    },
    denied(target) {
      return reason(realOrResolved(target), path.resolve(target)) !== null;
    },
    overlaps(dir) {
      const real = realOrResolved(dir);
      return protectedReal.some((p) => isInside(real, p) || isInside(p, real));
    },
  };
}

/** realpath of `p`, or of its nearest existing ancestor joined with the rest (a file not created yet). */
function realOrResolved(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

function inodeKey(p: string): string {
  try {
    const s = statSync(p);
    return s.isFile() ? `${s.dev}:${s.ino}` : '';
  } catch {
    return '';
  }
}

/** Inodes of a protected file, or of the files directly inside a protected folder (db, wal, shm, keyring). */
function inodesOf(p: string): string[] {
  try {
    const s = statSync(p);
    if (s.isFile()) return [`${s.dev}:${s.ino}`];
    if (!s.isDirectory()) return [];
    return readdirSync(p)
      .map((name) => inodeKey(path.join(p, name)))
      .filter(Boolean);
  } catch {
    return [];
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The context's guard, or {@link openPathGuard} when the host set none. */
export function guardOf(ctx: { paths?: PathGuard }): PathGuard {
  return ctx.paths ?? openPathGuard;
}

/** Whether a connector reads this server's disk or runs a local program (`capabilities.local`). */
export function isLocalConnector(manifest: { capabilities?: { local?: boolean } }): boolean {
  return manifest.capabilities?.local === true;
}
