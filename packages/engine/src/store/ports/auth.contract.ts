import { describe, expect, it } from 'vitest';
import type { AuthStore } from './auth.js';

/** Users and hashed API tokens. */
export function authContract(getStore: () => AuthStore): void {
  describe('users and tokens', () => {
    it('users and hashed tokens: create, find, touch, revoke', async () => {
      const store = getStore();
      const u = await store.createUser({ name: 'alice', isAdmin: false });
      expect(await store.getUser(u.id)).toEqual(u);
      const t = await store.createToken({ userId: u.id, name: 'ci', tokenHash: 'h1', readOnly: true });
      expect(t).toMatchObject({ readOnly: true, scope: 'api', revokedAt: null });
      expect((await store.findTokenByHash('h1'))?.id).toBe(t.id);
      await store.touchToken(t.id);
      expect((await store.findTokenByHash('h1'))?.lastUsedAt).not.toBeNull();
      expect(await store.revokeToken(t.id)).toBe(true);
      expect(await store.revokeToken(t.id)).toBe(false);
      expect((await store.findTokenByHash('h1'))?.revokedAt).not.toBeNull();
      expect((await store.listTokens(u.id)).length).toBe(1);
      expect((await store.listUsers()).map((x) => x.name)).toEqual(expect.arrayContaining(['local', 'alice']));
    });
  });
}
