import { TributaryError } from '@tributary/sdk';
import type { CredentialEnvelope, SourcePatch, SourceRecord } from '../../store/types.js';
import type { VaultStore } from '../types.js';

/**
 * An in-memory implementation of only the store methods the vault uses, with the port's semantics (CAS on the
 * credential revision, kv with expiry). Every call goes through a microtask so interleavings resemble a real store.
 */
export function createMemoryCredentialStore(now: () => number = Date.now): VaultStore & {
  sources: Map<string, SourceRecord>;
  addSource(id: string, ownerId?: string): SourceRecord;
} {
  const credentials = new Map<string, CredentialEnvelope>();
  const kv = new Map<string, { value: unknown; expiresAt: number }>();
  const sources = new Map<string, SourceRecord>();
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const live = (k: string): { value: unknown } | undefined => {
    const e = kv.get(k);
    if (!e) return undefined;
    if (e.expiresAt <= now()) {
      kv.delete(k);
      return undefined;
    }
    return e;
  };
  const clone = <T>(v: T): T => structuredClone(v);
  return {
    sources,
    addSource(id, ownerId = 'user-1') {
      const at = new Date(now()).toISOString();
      const record: SourceRecord = {
        id,
        ownerId,
        sourceType: 'test',
        name: id,
        config: {},
        features: {},
        schedule: null,
        status: 'active',
        errorMessage: null,
        lastSyncAt: null,
        lastSyncPosition: null,
        createdAt: at,
        updatedAt: at,
      };
      sources.set(id, record);
      return record;
    },
    async putCredential(envelope, expectedRevision) {
      await tick();
      const existing = credentials.get(envelope.sourceId);
      if (expectedRevision !== undefined && (existing?.revision ?? 0) !== expectedRevision) {
        throw new TributaryError(
          'conflict',
          `credential of ${envelope.sourceId} is at revision ${existing?.revision ?? 0}, not ${expectedRevision}`,
        );
      }
      const stored: CredentialEnvelope = {
        ...envelope,
        updatedAt: new Date(now()).toISOString(),
        revision: (existing?.revision ?? 0) + 1,
      };
      credentials.set(envelope.sourceId, stored);
      return clone(stored);
    },
    async getCredential(sourceId) {
      await tick();
      const e = credentials.get(sourceId);
      return e ? clone(e) : null;
    },
    async listCredentials() {
      await tick();
      return [...credentials.values()].map(clone);
    },
    async deleteCredential(sourceId) {
      await tick();
      return credentials.delete(sourceId);
    },
    async kvPutIfAbsent(namespace, key, value, ttlMs) {
      await tick();
      const k = `${namespace}\u0000${key}`;
      if (live(k)) return false;
      kv.set(k, { value: clone(value), expiresAt: now() + ttlMs });
      return true;
    },
    async kvGet<T>(namespace: string, key: string) {
      await tick();
      const e = live(`${namespace}\u0000${key}`);
      return e ? (clone(e.value) as T) : null;
    },
    async kvTake<T>(namespace: string, key: string) {
      await tick();
      const k = `${namespace}\u0000${key}`;
      const e = live(k);
      kv.delete(k);
      return e ? (clone(e.value) as T) : null;
    },
    async kvDelete(namespace, key) {
      await tick();
      kv.delete(`${namespace}\u0000${key}`);
    },
    async getSource(id) {
      await tick();
      const s = sources.get(id);
      return s ? clone(s) : null;
    },
    async listSources() {
      await tick();
      return [...sources.values()].map(clone);
    },
    async updateSource(id: string, patch: SourcePatch) {
      await tick();
      const s = sources.get(id);
      if (!s) throw new TributaryError('not_found', `source ${id} not found`);
      const next = { ...s, ...patch, updatedAt: new Date(now()).toISOString() } as SourceRecord;
      sources.set(id, next);
      return clone(next);
    },
  };
}
