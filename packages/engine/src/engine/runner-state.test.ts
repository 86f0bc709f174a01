import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineConnector, TributaryError, z, type Item } from '@tributary/sdk';
import { createPostgresStore } from '../store/postgres/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import type { MemoryStore } from '../store/types.js';
import { createEngine } from './create-engine.js';

/**
 * A notes-like connector that keeps one state record per file (its revision) and a flat checkpoint: it finds
 * edits by comparing with state and deletions by listing state, as obsidian/files do.
 */
const Config = z.object({
  files: z.record(z.string(), z.number()),
  pageSize: z.number().default(3),
  /** Throw a non-retryable error after this many pages (a crash stand-in that leaves committed pages). */
  failAfterPages: z.number().optional(),
});
const seenStates: Array<{ mode: string; keys: number }> = [];
const notes = defineConnector({
  manifest: {
    name: 'state-notes',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'State notes',
    description: 'test connector',
    auth: { type: 'none' },
    config: Config,
    checkpoint: z.object({ scans: z.number() }).strict(),
    streams: ['notes'],
    capabilities: { incremental: true, deletions: true },
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read(ctx) {
    let known = 0;
    for await (const _ of ctx.state.list('f:')) known++;
    seenStates.push({ mode: ctx.mode, keys: known });
    const scans = (ctx.checkpoint?.scans ?? 0) + 1;
    const names = Object.keys(ctx.config.files).sort();
    let pages = 0;
    for (let i = 0; i < names.length; i += ctx.config.pageSize) {
      const slice = names.slice(i, i + ctx.config.pageSize);
      const stored = await ctx.state.getMany(slice.map((n) => `f:${n}`));
      const items: Item[] = [];
      const set: Record<string, unknown> = {};
      for (const n of slice) {
        const rev = ctx.config.files[n]!;
        if ((stored.get(`f:${n}`) as { rev: number } | undefined)?.rev === rev) continue;
        items.push({ externalId: n, stream: 'notes', content: `note ${n} revision ${rev}` });
        set[`f:${n}`] = { rev };
      }
      if (ctx.config.failAfterPages !== undefined && pages === ctx.config.failAfterPages)
        throw new TributaryError('upstream_error', 'disk went away');
      pages++;
      yield { items, state: { set }, checkpoint: { scans: scans - 1 } };
    }
    const gone: string[] = [];
    for await (const [key] of ctx.state.list('f:')) if (!(key.slice(2) in ctx.config.files)) gone.push(key.slice(2));
    yield { deletes: gone, state: { delete: gone.map((n) => `f:${n}`) }, checkpoint: { scans } };
  },
});

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  seenStates.length = 0;
});

const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let backend: 'sqlite' | 'postgres' = 'sqlite';

/** A fresh store of the current backend: a SQLite file, or a private PostgreSQL schema dropped afterwards. */
async function freshStore(dir: string): Promise<MemoryStore> {
  if (backend === 'sqlite') return createSqliteStore({ path: path.join(dir, 'db.sqlite') });
  const schema = `t_state_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  cleanups.push(async () => {
    const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  return createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 4 });
}

async function setup(
  files: Record<string, number>,
  opts: { commitBatchSize?: number; wrap?: (s: MemoryStore) => MemoryStore } = {},
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-state-'));
  const store = await freshStore(dir);
  await store.migrate();
  const engine = createEngine({
    store: opts.wrap ? opts.wrap(store) : store,
    connectors: [notes as any],
    runRetries: 0,
    commitBatchSize: opts.commitBatchSize,
  });
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => engine.close(),
  );
  const source = await engine.sources.add({ connector: 'state-notes', name: 'n', config: { files } });
  const stateKeys = async () =>
    (await store.listConnectorState(source.id, { limit: 10_000 })).map(([k, v]) => [k, (v as { rev: number }).rev]);
  const setFiles = (config: z.input<typeof Config>) => engine.sources.update(source.id, { config });
  return { engine, store, source, stateKeys, setFiles };
}

const files = (n: number, rev = 1) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`n${i}`, rev]));

describe.each(['sqlite', 'postgres'] as const)('connector state through the runner (%s)', (name) => {
  beforeEach(() => {
    backend = name;
  });

  it('an edit and a delete among many notes are found via state; only they are read again', async () => {
    const t = await setup(files(10));
    expect(await t.engine.sync(t.source.id)).toMatchObject({ status: 'succeeded', created: 10 });
    expect(await t.stateKeys()).toHaveLength(10);
    await t.setFiles({
      files: Object.fromEntries(Object.entries({ ...files(10), n4: 2 }).filter(([k]) => k !== 'n7')),
    });
    const run = await t.engine.sync(t.source.id);
    expect(run).toMatchObject({ mode: 'incremental', itemsSeen: 1, updated: 1, deleted: 1, created: 0 });
    expect(await t.stateKeys()).toHaveLength(9);
    expect((await t.store.getConnectorState(t.source.id, ['f:n4'])).get('f:n4')).toEqual({ rev: 2 });
    expect(await t.store.getCheckpoint(t.source.id)).toEqual({ scans: 2 });
  });

  it('a failure after some pages keeps their state with their checkpoint; the next run resumes exactly', async () => {
    const t = await setup(files(10));
    await t.setFiles({ files: files(10), failAfterPages: 2 });
    await expect(t.engine.sync(t.source.id)).rejects.toThrow(/disk went away/);
    expect(await t.store.countMemories({ sourceId: t.source.id })).toBe(6);
    expect((await t.stateKeys()).map(([k]) => k)).toEqual(['f:n0', 'f:n1', 'f:n2', 'f:n3', 'f:n4', 'f:n5']);
    await t.setFiles({ files: files(10) });
    const run = await t.engine.sync(t.source.id);
    // The checkpoint was committed, so the run resumes with the state committed beside it: only 4 notes left.
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental', itemsSeen: 4, created: 4 });
    expect(await t.stateKeys()).toHaveLength(10);
  });

  it('a page split in batches commits its state with the last batch: a failure in between writes none of it', async () => {
    let failOnce = true;
    const t = await setup(files(6), {
      commitBatchSize: 2,
      wrap: (s) =>
        new Proxy(s, {
          get(target, prop, receiver) {
            if (prop !== 'commitPage') return Reflect.get(target, prop, receiver);
            return async (input: Parameters<MemoryStore['commitPage']>[0]) => {
              // The second batch of the first page: after one batch committed, before the page's state.
              if (failOnce && input.items.some((i) => i.externalId === 'n2')) {
                failOnce = false;
                throw new TributaryError('internal', 'store failed mid-page');
              }
              return target.commitPage(input);
            };
          },
        }),
    });
    await t.setFiles({ files: files(6), pageSize: 6 });
    await expect(t.engine.sync(t.source.id)).rejects.toThrow(/mid-page/);
    expect(await t.store.countMemories({ sourceId: t.source.id })).toBe(2);
    expect(await t.stateKeys()).toEqual([]);
    expect(await t.store.getCheckpoint(t.source.id)).toBeNull();
    const run = await t.engine.sync(t.source.id);
    expect(run).toMatchObject({ status: 'succeeded', created: 4, unchanged: 2 });
    expect(await t.stateKeys()).toHaveLength(6);
  });

  it('a full refresh reads an empty state and replaces the old records in its first commit', async () => {
    const t = await setup(files(5));
    await t.engine.sync(t.source.id);
    // Stale records a full refresh must not trust: n9 is gone upstream, n0's record says a wrong revision.
    await t.store.commitPage({
      sourceId: t.source.id,
      runId: null,
      items: [],
      deletes: [],
      checkpoint: { scans: 1 },
      state: { set: { 'f:n9': { rev: 1 }, 'f:n0': { rev: 1 } } },
    });
    await t.setFiles({ files: { ...files(5), n0: 3 } });
    seenStates.length = 0;
    const run = await t.engine.sync(t.source.id, { mode: 'full_refresh' });
    expect(seenStates).toEqual([{ mode: 'full_refresh', keys: 0 }]);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'full_refresh', updated: 1, unchanged: 4, deleted: 0 });
    expect((await t.stateKeys()).map(([k]) => k)).toEqual(['f:n0', 'f:n1', 'f:n2', 'f:n3', 'f:n4']);
    expect((await t.store.getConnectorState(t.source.id, ['f:n0'])).get('f:n0')).toEqual({ rev: 3 });
  });

  it('a page with invalid state fails the run and commits nothing of that page', async () => {
    const t = await setup({ ['x'.repeat(1100)]: 1 });
    await expect(t.engine.sync(t.source.id)).rejects.toThrow(/invalid page state/);
    expect(await t.store.countMemories({ sourceId: t.source.id })).toBe(0);
    expect(await t.stateKeys()).toEqual([]);
  });
});
