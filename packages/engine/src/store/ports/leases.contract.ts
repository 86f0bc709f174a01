import { describe, expect, it } from 'vitest';
import type { LeaseStore } from './leases.js';

/** One holder at a time, renew, release, expiry. */
export function leasesContract(getStore: () => LeaseStore): void {
  describe('leases', () => {
    it('leases: one holder at a time, renew, release, expiry', async () => {
      const store = getStore();
      expect(await store.getLease('sync:1')).toBeNull();
      expect(await store.acquireLease('sync:1', 'a', 60_000)).toBe(true);
      expect(await store.getLease('sync:1')).toMatchObject({ holder: 'a' });
      expect((await store.getLease('sync:1'))!.expiresAt).toBeGreaterThan(Date.now() + 50_000);
      expect(await store.acquireLease('sync:1', 'b', 60_000)).toBe(false);
      expect(await store.renewLease('sync:1', 'a', 60_000)).toBe(true);
      expect(await store.renewLease('sync:1', 'b', 60_000)).toBe(false);
      await store.releaseLease('sync:1', 'b'); // not the holder: no effect
      expect(await store.acquireLease('sync:1', 'b', 60_000)).toBe(false);
      await store.releaseLease('sync:1', 'a');
      expect(await store.acquireLease('sync:1', 'b', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.acquireLease('sync:1', 'c', 60_000)).toBe(true);
      expect(await store.renewLease('sync:1', 'b', 60_000)).toBe(false);
    });
  });
}
