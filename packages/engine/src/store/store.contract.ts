import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { MemoryStore } from './types.js';
import { chat, newSource, prepared, type MakeStore } from './contract-support.js';
import { memoryContract } from './store-memories.contract.js';
import { stateContract } from './store-state.contract.js';
import { bulkContract } from './store-bulk.contract.js';

/**
 * The store contract: every backend (SQLite, PostgreSQL) runs this suite against a fresh store per test.
 * Capability differences are not allowed: a backend that cannot pass a test is not a backend.
 */
export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`store contract: ${name}`, () => {
    let store: MemoryStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('migrates idempotently and reports the schema version', async () => {
      const a = await store.migrate();
      const b = await store.migrate();
      expect(a).toEqual(b);
      expect(a.current).toBe(a.latest);
      await store.ping();
    });

    it('creates, reads, updates and lists sources; names are unique per owner', async () => {
      const s = await store.createSource({
        ownerId: 'local',
        sourceType: 'git',
        name: 'repo',
        config: { rootDir: '/x' },
        features: { diffs: true },
        schedule: { intervalMinutes: 15 },
      });
      expect(s).toMatchObject({
        name: 'repo',
        sourceType: 'git',
        status: 'active',
        config: { rootDir: '/x' },
        features: { diffs: true },
        schedule: { intervalMinutes: 15 },
        lastSyncPosition: null,
      });
      expect(await store.getSource(s.id)).toEqual(s);
      expect((await store.getSourceByName('local', 'repo'))?.id).toBe(s.id);
      await expect(
        store.createSource({ ownerId: 'local', sourceType: 'git', name: 'repo', config: {} }),
      ).rejects.toMatchObject({ code: 'conflict' });
      const u = await store.updateSource(s.id, {
        status: 'error',
        errorMessage: 'boom',
        features: { diffs: false },
        config: { rootDir: '/y' },
      });
      expect(u).toMatchObject({
        status: 'error',
        errorMessage: 'boom',
        features: { diffs: false },
        config: { rootDir: '/y' },
      });
      await expect(store.updateSource('nope', { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
      const other = await store.createUser({ name: 'bob' });
      await store.createSource({ ownerId: other.id, sourceType: 'git', name: 'repo', config: {} });
      expect((await store.listSources({ ownerId: 'local' })).map((x) => x.id)).toEqual([s.id]);
      expect(await store.listSources()).toHaveLength(2);
    });

    it('stores the checkpoint with the page and exposes it on the source', async () => {
      const s = await newSource(store);
      await store.commitPage({
        sourceId: s.id,
        runId: null,
        items: prepared([chat('a', 'hello')]),
        deletes: [],
        checkpoint: { position: 1 },
      });
      expect(await store.getCheckpoint(s.id)).toEqual({ position: 1 });
      expect((await store.getSource(s.id))?.lastSyncPosition).toEqual({ position: 1 });
      await store.commitPage({ sourceId: s.id, runId: null, items: [], deletes: [], checkpoint: undefined });
      expect(await store.getCheckpoint(s.id)).toEqual({ position: 1 });
      await store.setCheckpoint(s.id, null);
      expect(await store.getCheckpoint(s.id)).toBeNull();
    });

    it("keeps a push exporter's checkpoint as the JSON value it was: a bare string stays a string", async () => {
      const s = await newSource(store);
      // The seed's IngestRequest documents `checkpoint?: string` (a Slack ts); numbers and arrays are JSON too.
      for (const value of ['1714557600.000100', '', '{"not":"parsed"}', 42, 0, false, ['C1', '1.2'], { ts: '1.2' }]) {
        await store.commitPage({
          sourceId: s.id,
          runId: null,
          items: [],
          deletes: [],
          checkpoint: value as unknown as Record<string, unknown>,
        });
        expect(await store.getCheckpoint(s.id)).toEqual(value);
        expect((await store.getSource(s.id))?.lastSyncPosition).toEqual(value);
        expect((await store.listSources()).find((x) => x.id === s.id)?.lastSyncPosition).toEqual(value);
      }
      await store.setCheckpoint(s.id, 'set-directly' as unknown as Record<string, unknown>);
      expect((await store.getSource(s.id))?.lastSyncPosition).toBe('set-directly');
    });

    it('rolls back a failing page entirely: no items, no checkpoint', async () => {
      const s = await newSource(store);
      const items = prepared([chat('a', 'first'), chat('b', 'second')]);
      (items[1] as any).content = null; // violates NOT NULL inside the transaction
      await expect(
        store.commitPage({ sourceId: s.id, runId: null, items, deletes: [], checkpoint: { position: 2 } }),
      ).rejects.toThrow();
      expect(await store.countMemories({ sourceId: s.id, includeDeleted: true })).toBe(0);
      expect(await store.getCheckpoint(s.id)).toBeNull();
    });

    it('records runs with counts, finishes them and finds stale ones', async () => {
      const s = await newSource(store);
      const run = await store.startRun({ sourceId: s.id, mode: 'incremental', trigger: 'manual' });
      expect(run.status).toBe('running');
      await store.commitPage({
        sourceId: s.id,
        runId: run.id,
        items: prepared([chat('a', 'x'), chat('b', 'y')]),
        deletes: [],
        checkpoint: { p: 1 },
        runCounts: { apiCalls: 3 },
      });
      const mid = await store.getRun(run.id);
      expect(mid).toMatchObject({ created: 2, itemsSeen: 2, apiCalls: 3 });
      expect((await store.findStaleRuns(new Date(Date.now() + 60_000).toISOString())).map((r) => r.id)).toContain(
        run.id,
      );
      const done = await store.finishRun(run.id, {
        status: 'succeeded',
        mode: 'backfill',
        counts: { created: 2, itemsSeen: 2, apiCalls: 3 },
      });
      expect(done).toMatchObject({ status: 'succeeded', mode: 'backfill', created: 2, apiCalls: 3 });
      expect(done.finishedAt).not.toBeNull();
      expect(await store.findStaleRuns(new Date(Date.now() + 60_000).toISOString())).toHaveLength(0);
      expect((await store.listRuns({ sourceId: s.id })).map((r) => r.id)).toEqual([run.id]);
      expect((await store.listRuns({ ownerId: 'someone-else' })).length).toBe(0);
    });

    it('leases: one holder at a time, renew, release, expiry', async () => {
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

    it('users and hashed tokens: create, find, touch, revoke', async () => {
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

    it('credentials: compare-and-swap on revision, deleted with the source', async () => {
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

    it('kv: put-if-absent, take once, expiry', async () => {
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

    memoryContract(() => store);
    stateContract(() => store);
    bulkContract(() => store);
  });
}
