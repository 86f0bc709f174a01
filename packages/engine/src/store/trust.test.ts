import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { chat, newSource, prepared, type MakeStore } from './contract-support.js';
import { createPostgresStore } from './postgres/index.js';
import { createSqliteStore } from './sqlite/index.js';
import type { MemoryStore } from './types.js';

// Allowed roots and usage on both backends (a suite of their own: the main contract suite is being split).
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pgAdmin = new pg.Pool({ connectionString: PG_URL, max: 2 });
const schemas: string[] = [];
const stores: MemoryStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  for (const s of schemas) await pgAdmin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await pgAdmin.end();
});

const backends: Array<[string, MakeStore]> = [
  ['sqlite', async () => createSqliteStore({ path: ':memory:' })],
  [
    'postgres',
    async () => {
      const schema = `t_trust_${process.pid}_${schemas.length}_${Math.random().toString(36).slice(2, 8)}`;
      schemas.push(schema);
      return createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
    },
  ],
];

describe.each(backends)('trust on %s', (_name, make) => {
  const open = async (): Promise<MemoryStore> => {
    const store = await make();
    await store.migrate();
    stores.push(store);
    return store;
  };

  it('stores allowed roots per user (none by default) and replaces them', async () => {
    const store = await open();
    const bob = await store.createUser({ id: 'bob', name: 'Bob' });
    expect(bob.allowedRoots).toEqual([]);
    expect((await store.getUser('local'))?.allowedRoots).toEqual([]);
    expect((await store.setUserAllowedRoots('bob', ['/srv/a', '/srv/b']))?.allowedRoots).toEqual(['/srv/a', '/srv/b']);
    expect((await store.getUser('bob'))?.allowedRoots).toEqual(['/srv/a', '/srv/b']);
    expect((await store.listUsers()).find((u) => u.id === 'bob')?.allowedRoots).toEqual(['/srv/a', '/srv/b']);
    expect((await store.setUserAllowedRoots('bob', []))?.allowedRoots).toEqual([]);
    expect(await store.setUserAllowedRoots('nobody', ['/x'])).toBeNull();
  });

  it('measures live items and UTF-8 bytes per source and per owner', async () => {
    const store = await open();
    await store.createUser({ id: 'bob', name: 'Bob' });
    const a = await newSource(store, 'a', { ownerId: 'bob' });
    const b = await newSource(store, 'b', { ownerId: 'bob' });
    const other = await newSource(store, 'c');
    const commit = (sourceId: string, items: ReturnType<typeof chat>[], deletes: string[] = []) =>
      store.commitPage({ sourceId, runId: null, items: prepared(items), deletes, checkpoint: undefined });
    await commit(a.id, [chat('1', 'héllo'), chat('2', 'world', { title: 'T' })]);
    await commit(b.id, [chat('1', 'abc')]);
    await commit(other.id, [chat('1', 'not bob’s')]);
    expect(await store.usage({ sourceId: b.id })).toEqual({ items: 1, bytes: 3 });
    const before = await store.usage({ sourceId: a.id });
    expect(before.items).toBe(2);
    expect(before.bytes).toBeGreaterThanOrEqual(6 + 5 + 1); // é is two bytes; the pipeline may normalize
    await commit(a.id, [], ['1']);
    expect((await store.usage({ sourceId: a.id })).items).toBe(1);
    const bobs = await store.usage({ ownerId: 'bob' });
    expect(bobs.items).toBe(2);
    expect(await store.usage({ ownerId: 'nobody' })).toEqual({ items: 0, bytes: 0 });
  });
});
