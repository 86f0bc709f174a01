import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineConnector, TributaryError, z, type Item, type Page } from '@tributary/sdk';
import { createSqliteStore } from '../store/sqlite/index.js';
import type { CommitPageInput, MemoryStore } from '../store/types.js';
import { createEngine } from './create-engine.js';

/**
 * The runner reads and prepares page N+1 while page N commits. These tests make every commit slow (a real SQLite
 * store behind a delay), so the next page is always prepared inside that window, and check what must not change:
 * commits one at a time and in order, a failed commit stops the run before the next page lands, connector state
 * written by page N is what page N+1 reads, and an item touched by page N and again by page N+1 ends as N+1 says.
 */
interface ScriptPage {
  items?: Item[];
  deletes?: string[];
  set?: Record<string, unknown>;
  /** A state key this page's generation reads first; what it saw is recorded in `stateSeen`. */
  read?: string;
}
let script: ScriptPage[] = [];
let log: string[] = [];
let stateSeen: unknown[] = [];

const scripted = defineConnector({
  manifest: {
    name: 'scripted',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Scripted',
    description: 'test connector',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({ page: z.number() }).strict(),
    streams: ['notes'],
    capabilities: { incremental: true, deletions: true },
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read(ctx) {
    for (const [i, p] of script.entries()) {
      log.push(`read ${i + 1}`);
      if (p.read !== undefined) stateSeen.push(await ctx.state.get(p.read));
      const page: Page<{ page: number }> = {
        items: p.items ?? [],
        deletes: p.deletes ?? [],
        checkpoint: { page: i + 1 },
      };
      if (p.set) page.state = { set: p.set };
      yield page;
    }
  },
});

const note = (id: string, content: string): Item => ({ externalId: id, stream: 'notes', content });

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A real SQLite store whose commits take 40 ms (and, when `fail` says so, then fail). */
async function slowStore(fail?: (input: CommitPageInput) => boolean): Promise<MemoryStore> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-overlap-'));
  const store = createSqliteStore({ path: path.join(dir, 'db.sqlite') });
  await store.migrate();
  return {
    ...store,
    async commitPage(input) {
      const page = (input.checkpoint as { page?: number } | undefined)?.page ?? '-';
      log.push(`commit ${page} start`);
      await new Promise((r) => setTimeout(r, 40));
      if (fail?.(input)) {
        log.push(`commit ${page} failed`);
        throw new TributaryError('invalid_input', 'rejected by the test store');
      }
      const result = await store.commitPage(input);
      log.push(`commit ${page} end`);
      return result;
    },
  };
}

describe('runner: the next page is prepared while the current one commits', () => {
  it('reads page N+1 during the commit of page N, and commits one page at a time, in order', async () => {
    script = [1, 2, 3].map((p) => ({ items: [note(`n${p}`, `page ${p} text`)] }));
    log = [];
    const store = await slowStore();
    const engine = createEngine({ store, connectors: [scripted] });
    const source = await engine.sources.add({ connector: 'scripted', name: 's', config: {} });
    const run = await engine.sync(source.id);
    expect(run.status).toBe('succeeded');
    expect(run.created).toBe(3);
    // Page 2 was read while page 1 was committing; page 2's commit started only after page 1's ended.
    expect(log.indexOf('read 2')).toBeLessThan(log.indexOf('commit 1 end'));
    expect(log.filter((l) => l.startsWith('commit'))).toEqual([
      'commit 1 start',
      'commit 1 end',
      'commit 2 start',
      'commit 2 end',
      'commit 3 start',
      'commit 3 end',
    ]);
    expect(await store.getCheckpoint(source.id)).toEqual({ page: 3 });
    await engine.close();
  });

  it('a failed commit of page N stops the run: page N+1 (already read) never commits, the checkpoint stays N-1', async () => {
    script = [1, 2, 3].map((p) => ({ items: [note(`n${p}`, `page ${p} text`)] }));
    log = [];
    const store = await slowStore((input) => (input.checkpoint as { page: number }).page === 2);
    const engine = createEngine({ store, connectors: [scripted] });
    const source = await engine.sources.add({ connector: 'scripted', name: 's', config: {} });
    await expect(engine.sync(source.id)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(log).toContain('read 3'); // read while page 2 was committing…
    expect(log).not.toContain('commit 3 start'); // …and never written
    expect(await store.getCheckpoint(source.id)).toEqual({ page: 1 });
    expect(await store.getMemoryByExternalId(source.id, 'n1')).not.toBeNull();
    expect(await store.getMemoryByExternalId(source.id, 'n3')).toBeNull();
    await engine.close();
  });

  it('page N+1 reads the connector state page N wrote, though it is generated while N commits', async () => {
    script = [
      { items: [note('a', 'first')], set: { k: 'from page 1' } },
      { items: [note('b', 'second')], read: 'k', set: { k: 'from page 2' } },
      { items: [note('c', 'third')], read: 'k' },
    ];
    log = [];
    stateSeen = [];
    const store = await slowStore();
    const engine = createEngine({ store, connectors: [scripted] });
    const source = await engine.sources.add({ connector: 'scripted', name: 's', config: {} });
    await engine.sync(source.id);
    expect(stateSeen).toEqual(['from page 1', 'from page 2']);
    await engine.close();
  });

  it('an item edited by page N and changed back by page N+1 ends as N+1 says; so does one deleted then re-sent', async () => {
    script = [{ items: [note('x', 'version one'), note('y', 'kept text')] }];
    log = [];
    const store = await slowStore();
    const engine = createEngine({ store, connectors: [scripted] });
    const source = await engine.sources.add({ connector: 'scripted', name: 's', config: {} });
    await engine.sync(source.id);
    // Page 2's fingerprint lookup runs while page 1 (the edit, the deletion) is still committing.
    script = [
      { items: [note('x', 'version two')], deletes: ['y'] },
      { items: [note('x', 'version one'), note('y', 'kept text')] },
    ];
    const run = await engine.sync(source.id);
    expect(run.status).toBe('succeeded');
    expect(log.indexOf('read 2', log.lastIndexOf('read 1'))).toBeLessThan(log.lastIndexOf('commit 1 end'));
    expect((await store.getMemoryByExternalId(source.id, 'x'))?.content).toBe('version one');
    const y = await store.getMemoryByExternalId(source.id, 'y');
    expect(y?.deletedAt ?? null).toBeNull();
    expect(y?.content).toBe('kept text');
    await engine.close();
  });
});

describe('runner: fingerprint lookups while they find nothing', () => {
  it('stops asking after 3 pages of new items, and asks again once a commit finds stored items', async () => {
    const page = (p: number, from = p) => ({ items: [1, 2].map((k) => note(`p${from}-${k}`, `text ${from} ${k}`)) });
    // Pages 5 and 7 send again the items of pages 1 and 2, unchanged.
    script = [page(1), page(2), page(3), page(4), page(5, 1), page(6), page(7, 2)];
    log = [];
    const store = await slowStore();
    const lookups: string[][] = [];
    const commits: CommitPageInput[] = [];
    const counting: MemoryStore = {
      ...store,
      async lookupFingerprints(sourceId, ids) {
        lookups.push(ids);
        return store.lookupFingerprints(sourceId, ids);
      },
      async commitPage(input) {
        commits.push(input);
        return store.commitPage(input);
      },
    };
    const engine = createEngine({ store: counting, connectors: [scripted] });
    const source = await engine.sources.add({ connector: 'scripted', name: 's', config: {} });
    const run = await engine.sync(source.id);
    expect(run.created).toBe(10);
    expect(run.unchanged).toBe(4);
    // Pages 1–3 asked and found nothing; 4, 5 and 6 did not ask (6 was prepared before page 5's commit answered);
    // page 5's commit found its two items stored, so page 7 asked again and took the unchanged fast path.
    expect(lookups).toEqual([
      ['p1-1', 'p1-2'],
      ['p2-1', 'p2-2'],
      ['p3-1', 'p3-2'],
      ['p2-1', 'p2-2'],
    ]);
    expect(commits[4]!.items.map((i) => i.externalId)).toEqual(['p1-1', 'p1-2']); // the store decided: unchanged
    expect(commits[6]!.items).toEqual([]);
    expect(commits[6]!.unchangedIds).toEqual(['p2-1', 'p2-2']);
    expect((await store.getMemoryByExternalId(source.id, 'p1-1'))?.content).toBe('text 1 1');
    await engine.close();
  });
});

describe('runner: the commit in flight is not starved by the next page', () => {
  it('a commit waiting on I/O completes while the next page goes through the pipeline', async () => {
    // Page 2 has 10 batches of 100; its preparation asks for fingerprints once per batch.
    script = [
      { items: [note('first', 'page one')] },
      { items: Array.from({ length: 1000 }, (_, k) => note(`n${k}`, `page two item ${k} with some words`)) },
    ];
    log = [];
    dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-overlap-'));
    const store = createSqliteStore({ path: path.join(dir, 'db.sqlite') });
    await store.migrate();
    const ioTurns: MemoryStore = {
      ...store,
      async lookupFingerprints(sourceId, ids) {
        log.push('lookup');
        return store.lookupFingerprints(sourceId, ids);
      },
      async commitPage(input) {
        const page = (input.checkpoint as { page?: number } | undefined)?.page ?? '-';
        // A few round trips to a database: each needs an I/O turn of the event loop.
        for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
        const result = await store.commitPage(input);
        log.push(`commit ${page} end`);
        return result;
      },
    };
    const engine = createEngine({ store: ioTurns, connectors: [scripted], commitBatchSize: 100 });
    const source = await engine.sources.add({ connector: 'scripted', name: 's', config: {} });
    await engine.sync(source.id);
    const page2Lookups = log.map((l, i) => [l, i] as const).filter(([l]) => l === 'lookup');
    expect(page2Lookups).toHaveLength(11); // 1 for page 1, 10 for page 2
    // Page 1's commit ended while page 2 was still being prepared (before its last batch's lookup).
    expect(log.indexOf('commit 1 end')).toBeLessThan(page2Lookups.at(-1)![1]);
    await engine.close();
  });
});
