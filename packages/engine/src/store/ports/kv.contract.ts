import { describe, expect, it } from 'vitest';
import type { KvStore } from './kv.js';

/** Keyed values with expiry: put-if-absent, take once. */
export function kvContract(getStore: () => KvStore): void {
  describe('kv', () => {
    it('kv: put-if-absent, take once, expiry', async () => {
      const store = getStore();
      expect(await store.kvPutIfAbsent('oauth', 's1', { u: 1 }, 60_000)).toBe(true);
      expect(await store.kvPutIfAbsent('oauth', 's1', { u: 2 }, 60_000)).toBe(false);
      expect(await store.kvGet('oauth', 's1')).toEqual({ u: 1 });
      expect(await store.kvTake('oauth', 's1')).toEqual({ u: 1 });
      expect(await store.kvTake('oauth', 's1')).toBeNull();
      expect(await store.kvPutIfAbsent('oauth', 's2', 'x', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.kvGet('oauth', 's2')).toBeNull();
      expect(await store.kvPutIfAbsent('oauth', 's2', 'y', 60_000)).toBe(true);
      await store.kvDelete('oauth', 's2');
      expect(await store.kvGet('oauth', 's2')).toBeNull();
    });
  });
}
