import { realpathSync } from 'node:fs';
import path from 'node:path';
import { TributaryError } from './errors.js';

/**
 * Resolves `target` inside `root` and refuses anything that escapes it — by `..` or by a symlink pointing out.
 * Local-file connectors call this for every path they open.
 * @throws TributaryError `path_outside_root`
 */
export function resolveInsideRoot(root: string, target: string): string {
  const realRoot = realpathSync(root);
  const joined = path.resolve(realRoot, target);
  let real: string;
  try {
    real = realpathSync(joined);
  } catch {
    real = joined; // not created yet: the lexical check below still applies
  }
  if (!isInside(realRoot, joined) || !isInside(realRoot, real)) {
    throw new TributaryError('path_outside_root', `Path "${target}" is outside the configured root "${root}"`);
  }
  return real;
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
