import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, newSource, prepared } from '../contract-support.js';
import { createSqliteStore } from './index.js';
import { createOwnerScope } from './owner-scope.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-owner-scope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('owner scope of a SQLite search', () => {
  it('drops the owner filter only while every source is that owner’s; results stay the owner’s own', async () => {
    const file = path.join(dir, 'scope.db');
    const store = createSqliteStore({ path: file });
    await store.migrate();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    const scope = createOwnerScope(db);
    try {
      const mine = await newSource(store, 'mine');
      await store.commitPage({
        sourceId: mine.id,
        runId: null,
        checkpoint: undefined,
        items: prepared([chat('a', 'heron over the lake'), chat('b', 'a heron again')]),
        deletes: [],
      });
      expect(scope({ text: 'heron', ownerId: 'local' })).toEqual({ text: 'heron', ownerId: undefined });
      expect(scope({ text: 'heron', ownerId: 'nobody' })).toEqual({ text: 'heron', ownerId: 'nobody' });
      expect((await store.search({ text: 'heron', ownerId: 'local' })).total).toBe(2);
      expect((await store.search({ text: 'heron', ownerId: 'nobody' })).hits).toHaveLength(0);

      // Another owner arrives: the filter applies again, and neither owner sees the other's memories or counts.
      const bob = await store.createUser({ name: 'bob' });
      const theirs = await newSource(store, 'theirs', { ownerId: bob.id });
      await store.commitPage({
        sourceId: theirs.id,
        runId: null,
        checkpoint: undefined,
        items: prepared([chat('c', 'a heron of bob'), chat('d', 'bob saw a heron'), chat('e', 'heron heron')]),
        deletes: [],
      });
      expect(scope({ text: 'heron', ownerId: 'local' }).ownerId).toBe('local');
      const local = await store.search({ text: 'heron', ownerId: 'local' });
      expect(local.total).toBe(2);
      expect(local.hits.map((h) => h.externalId).sort()).toEqual(['a', 'b']);
      const bobs = await store.search({ text: 'heron', ownerId: bob.id });
      expect(bobs.total).toBe(3);
      expect(bobs.hits.map((h) => h.externalId).sort()).toEqual(['c', 'd', 'e']);
      expect((await store.search({ text: 'heron' })).total).toBe(5);
    } finally {
      db.close();
      await store.close();
    }
  });
});
