import { describe, expect, it } from 'vitest';
import type { CredentialStore } from './credentials.js';
import type { SourceStore } from './sources.js';
import { newSource } from '../contract-support.js';

/** Ciphertext envelopes with compare-and-swap, gone with their source. */
export function credentialsContract(getStore: () => CredentialStore & SourceStore): void {
  describe('credentials', () => {
    it('credentials: compare-and-swap on revision, deleted with the source', async () => {
      const store = getStore();
      const s = await newSource(store);
      const env = { sourceId: s.id, keyId: 'k1', iv: 'aXY=', tag: 'dGFn', ciphertext: 'Y3Q=' };
      const first = await store.putCredential(env);
      expect(first.revision).toBe(1);
      const second = await store.putCredential({ ...env, ciphertext: 'Y3Qy' }, 1);
      expect(second.revision).toBe(2);
      await expect(store.putCredential({ ...env, ciphertext: 'stale' }, 1)).rejects.toMatchObject({ code: 'conflict' });
      expect((await store.getCredential(s.id))?.ciphertext).toBe('Y3Qy');
      expect((await store.listCredentials()).length).toBe(1);
      await store.deleteSource(s.id);
      expect(await store.getCredential(s.id)).toBeNull();
    });
  });
}
