import path from 'node:path';
import { guardOf, type PathGuard } from '@tributary/sdk';

/**
 * Wraps a tree walk's exclusion test with the source's path guard, so a root that contains the server's data dir
 * (an admin's home, a broad allowed root) never yields the keyring or the database. The root itself was checked by
 * the engine and walks never leave it, so per-entry checks run only when a protected path lies inside the root.
 */
export function guardedExclusion<A extends unknown[]>(
  ctx: { paths?: PathGuard },
  root: string,
  excluded: (rel: string, ...rest: A) => boolean,
): (rel: string, ...rest: A) => boolean {
  const guard = guardOf(ctx);
  if (!guard.overlaps(root)) return excluded;
  return (rel, ...rest) => excluded(rel, ...rest) || guard.denied(path.join(root, rel));
}

/** Drops listed entries the guard denies (a listing under a root that contains the server's data dir). */
export function withoutProtected<T>(
  ctx: { paths?: PathGuard },
  root: string,
  entries: T[],
  abs: (e: T) => string,
): T[] {
  const guard = guardOf(ctx);
  if (!guard.overlaps(root)) return entries;
  return entries.filter((e) => !guard.denied(abs(e)));
}
