import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  createPathGuard,
  isLocalConnector,
  pathFieldPaths,
  TributaryError,
  type AnyConnector,
  type PathGuard,
} from '@tributary/sdk';
import type { MemoryStore } from '../store/types.js';

/**
 * The trust boundary for local sources (DESIGN §7): the server's disk belongs to its operator. Admins (and the
 * embedded owner) read any path but the protected ones; other users only inside the roots an admin granted them
 * (none by default). The data dir, keyring and database are never readable by anyone.
 */

/** The guard of a source owned by `ownerId`: the protected paths, and the owner's allowed roots unless admin. */
export async function pathGuardFor(
  store: Pick<MemoryStore, 'getUser'>,
  protectedPaths: readonly string[] | undefined,
  ownerId: string,
): Promise<PathGuard> {
  const user = await store.getUser(ownerId);
  const allowedRoots = user?.isAdmin ? null : (user?.allowedRoots ?? []);
  return createPathGuard({ protectedPaths: protectedPaths ?? [], allowedRoots });
}

const fieldCache = new WeakMap<object, string[]>();

/** The connector's path fields (cached: JSON Schema conversion is not free). */
function pathFields(connector: AnyConnector): string[] {
  let fields = fieldCache.get(connector.manifest.config);
  if (!fields) {
    fields = pathFieldPaths(connector.manifest.config);
    fieldCache.set(connector.manifest.config, fields);
  }
  return fields;
}

/**
 * Refuses a config whose paths the guard denies, naming the field. `raw`: the config as the user sent it, checked
 * before it is parsed (a schema may look at the disk, and must not tell a stranger what exists where); defaults are
 * checked on the parsed config. A local connector whose path is left
 * to a default (the server account's home) is refused to restricted users: they must name a path in their roots.
 * @throws TributaryError `forbidden`
 */
export function assertPathsAllowed(
  connector: AnyConnector,
  config: unknown,
  guard: PathGuard,
  options: { raw?: boolean } = {},
): void {
  const local = isLocalConnector(connector.manifest);
  const fields = pathFields(connector);
  const restricted = guard.allowedRoots !== null;
  if (local && restricted && fields.length === 0) {
    throw new TributaryError(
      'forbidden',
      `The ${connector.manifest.name} connector reads this server's disk; only an admin may add it.`,
      { issues: [{ path: 'source_type', message: 'local connector without path fields: admins only' }] },
    );
  }
  for (const field of fields) {
    const value = field
      .split('.')
      .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as any)[k] : undefined), config);
    const name = `config.${field}`;
    if (value === undefined || value === null) {
      if (local && restricted && !options.raw)
        throw new TributaryError(
          'forbidden',
          `${name}: set it to a path inside your allowed roots (its default is a location of the server account).`,
          { issues: [{ path: name, message: 'required for users limited to allowed roots' }] },
        );
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      if (typeof v !== 'string' || v === '') return;
      const label = Array.isArray(value) ? `${name}.${i}` : name;
      guard.check(staticPrefix(options.raw ? expandHome(v) : v, label), label);
    });
  }
}

/** `~/x` as the connectors expand it (from the server account's home). */
function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? path.join(homedir(), p.slice(2)) : p;
}

/** The folder a glob starts from (`/var/log/nginx/*.log` → `/var/log/nginx`); a plain path as is. */
export function staticPrefix(p: string, label: string): string {
  const parts = p.split('/');
  const first = parts.findIndex((s) => /[*?[\]{}!]/.test(s));
  if (first === -1) return p;
  if (parts.slice(first).includes('..'))
    throw new TributaryError('forbidden', `${label}: "${p}" has ".." after a wildcard; write the folder plainly.`, {
      issues: [{ path: label, message: '".." after a wildcard' }],
    });
  return parts.slice(0, first).join('/') || path.sep;
}

/** What the engine never lets a source read: the data dir (keyring, database and its -wal/-shm inside). */
export function protectedPathsOf(dataDir: string, extra: readonly string[] = []): string[] {
  return [dataDir, ...extra].map((p) => path.resolve(p));
}

/**
 * Allowed roots as stored: absolute, resolved through symlinks where they exist (a root granted as a link is the
 * folder it points to), without duplicates.
 * @throws TributaryError `invalid_input` naming the root that is not an absolute path
 */
export function normalizeRoots(roots: readonly string[]): string[] {
  const out: string[] = [];
  roots.forEach((root, i) => {
    if (!path.isAbsolute(root) || root.includes('\0'))
      throw new TributaryError('invalid_input', `allowed_roots.${i}: "${root}" is not an absolute path.`, {
        issues: [{ path: `allowed_roots.${i}`, message: 'must be an absolute path' }],
      });
    let real = path.resolve(root);
    try {
      real = realpathSync(real);
    } catch {
      // Not created yet: kept as written (resolved); the guard resolves again at every use.
    }
    if (!out.includes(real)) out.push(real);
  });
  return out;
}
