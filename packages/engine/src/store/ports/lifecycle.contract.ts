import { describe, expect, it } from 'vitest';
import type { StoreLifecycle } from './lifecycle.js';

/** Migrations are idempotent and the store answers a ping. */
export function lifecycleContract(getStore: () => StoreLifecycle): void {
  describe('lifecycle', () => {
    it('migrates idempotently and reports the schema version', async () => {
      const store = getStore();
      const a = await store.migrate();
      const b = await store.migrate();
      expect(a).toEqual(b);
      expect(a.current).toBe(a.latest);
      await store.ping();
    });
  });
}
