import type { MemoryStore } from '@tributary/engine';
import { normalizeRoots } from '@tributary/engine/engine/local-access'; // light: loaded with `tributary --help`
import type { ConfigFile } from './schema.js';

/** One change `apply` makes to a declared user. */
export interface UserChange {
  op: 'create' | 'roots';
  id: string;
  allowedRoots: string[];
}

/** What the `users` section changes: users to create, and allowed roots that differ from the stored ones. */
export async function planUsers(
  store: Pick<MemoryStore, 'getUser'>,
  users: ConfigFile['users'],
): Promise<UserChange[]> {
  const out: UserChange[] = [];
  for (const u of users) {
    const roots = normalizeRoots(u.allowedRoots);
    const existing = await store.getUser(u.id);
    if (!existing) out.push({ op: 'create', id: u.id, allowedRoots: roots });
    else if (JSON.stringify(existing.allowedRoots) !== JSON.stringify(roots))
      out.push({ op: 'roots', id: u.id, allowedRoots: roots });
  }
  return out;
}

/** Applies {@link planUsers}' changes (new users are never admins: that is granted with the API). */
export async function applyUsers(
  store: Pick<MemoryStore, 'createUser' | 'setUserAllowedRoots'>,
  users: ConfigFile['users'],
  changes: UserChange[],
): Promise<void> {
  for (const c of changes) {
    if (c.op === 'create') {
      const declared = users.find((u) => u.id === c.id);
      await store.createUser({ id: c.id, name: declared?.name ?? c.id });
    }
    await store.setUserAllowedRoots(c.id, c.allowedRoots);
  }
}

/** Plan lines as `apply` prints them. */
export function formatUserChanges(changes: UserChange[]): string[] {
  return changes.map((c) =>
    c.op === 'create'
      ? `+ user ${c.id} (allowed roots: ${c.allowedRoots.join(', ') || 'none'})`
      : `~ user ${c.id}: allowed roots → ${c.allowedRoots.join(', ') || 'none'}`,
  );
}
