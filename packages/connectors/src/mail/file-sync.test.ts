import { createMemoryState, type Item, type MemoryConnectorState } from '@tributary/sdk';
import { describe, expect, it } from 'vitest';
import { syncFiles, VANISHED } from './file-sync.js';

const item = (id: string): Item => ({ externalId: id, stream: 'messages', content: id });
type Entry = { key: string; sig: string; id: string };

/** Runs a sync like the engine would: the state a run sees is what the previous run's pages committed. */
async function run(entries: Entry[], state?: MemoryConnectorState, failKeys: string[] = [], maxPages = Infinity) {
  const committed = state ?? createMemoryState();
  const pages = [];
  for await (const p of syncFiles({
    entries,
    state: committed,
    resumed: state !== undefined,
    pageSize: 2,
    signal: new AbortController().signal,
    load: async (e) => {
      if (failKeys.includes(e.key)) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return item(e.id);
    },
  })) {
    if (pages.length >= maxPages) break;
    committed.apply(p.state);
    pages.push(p);
  }
  return { pages, state: committed };
}

describe('syncFiles', () => {
  it('reads new files in pages, then only changes, and deletes ids no file produces any more', async () => {
    const first = await run([
      { key: 'a', sig: '1', id: 'A' },
      { key: 'b', sig: '1', id: 'B' },
      { key: 'c', sig: '1', id: 'C' },
    ]);
    expect(first.pages.map((p) => p.items?.map((i) => i.externalId))).toEqual([['A', 'B'], ['C']]);
    // b moved to key d (same message), c removed, a unchanged, e new.
    const second = await run(
      [
        { key: 'a', sig: '1', id: 'A' },
        { key: 'd', sig: '1', id: 'B' },
        { key: 'e', sig: '1', id: 'E' },
      ],
      first.state,
    );
    expect(second.pages.flatMap((p) => p.items ?? []).map((i) => i.externalId)).toEqual(['B', 'E']);
    expect(second.pages.flatMap((p) => p.deletes ?? [])).toEqual(['C']);
    // Nothing parked, nothing of the gone files kept.
    expect([...second.state.snapshot().keys()].sort()).toEqual(['f:a', 'f:d', 'f:e', 'i:A', 'i:B', 'i:E']);
    // Unchanged: nothing read, nothing written.
    const third = await run(
      [
        { key: 'a', sig: '1', id: 'A' },
        { key: 'd', sig: '1', id: 'B' },
        { key: 'e', sig: '1', id: 'E' },
      ],
      second.state,
    );
    expect(third.pages).toEqual([{ items: [], deletes: [], errors: [], checkpoint: expect.anything() }]);
  });

  it('deletes a message only when its last copy goes', async () => {
    const first = await run([
      { key: 'x', sig: '1', id: 'M' },
      { key: 'y', sig: '1', id: 'M' },
    ]);
    const second = await run([{ key: 'y', sig: '1', id: 'M' }], first.state);
    expect(second.pages.flatMap((p) => p.deletes ?? [])).toEqual([]);
    const third = await run([], second.state);
    expect(third.pages.flatMap((p) => p.deletes ?? [])).toEqual(['M']);
  });

  it('reports a file that cannot be read as a per-item error and goes on', async () => {
    const { pages } = await run(
      [
        { key: 'a', sig: '1', id: 'A' },
        { key: 'locked', sig: '1', id: 'L' },
        { key: 'z', sig: '1', id: 'Z' },
      ],
      undefined,
      ['locked'],
    );
    expect(pages.flatMap((p) => p.items ?? []).map((i) => i.externalId)).toEqual(['A', 'Z']);
    expect(pages.flatMap((p) => p.errors ?? []).map((e) => e.message)).toEqual(['locked: EACCES: permission denied']);
  });

  it('keeps the record of a file gone when read (VANISHED), and deletes nothing on a partial listing', async () => {
    const first = await run([
      { key: 'a', sig: '1', id: 'A' },
      { key: 'b', sig: '1', id: 'B' },
    ]);
    const pages = [];
    for await (const p of syncFiles({
      entries: [{ key: 'a', sig: '2', id: 'A' }],
      state: first.state,
      resumed: true,
      pageSize: 2,
      listingComplete: false,
      signal: new AbortController().signal,
      load: async () => VANISHED,
      finalState: async ({ vanished }) => ({ set: { 'd:x': vanished } }),
    }))
      pages.push(p);
    expect(pages.flatMap((p) => [...(p.items ?? []), ...(p.deletes ?? []), ...(p.errors ?? [])])).toEqual([]);
    expect(pages.at(-1)!.state?.set).toEqual({ 'd:x': 1 });
    for (const p of pages) first.state.apply(p.state);
    expect(first.state.snapshot().get('f:a')).toEqual(['1', 'A']);
    expect(first.state.snapshot().get('f:b')).toEqual(['1', 'B']);
  });

  it('keeps deletions owed across a crash in connector state', async () => {
    const first = await run([
      { key: 'a', sig: '1', id: 'A' },
      { key: 'b', sig: '1', id: 'B' },
    ]);
    const now = [
      { key: 'a', sig: '2', id: 'A2' },
      { key: 'b', sig: '2', id: 'B2' },
      { key: 'c', sig: '1', id: 'C' },
    ];
    // The first page rewrote a and b under new ids (A, B lose their file), then the run died.
    const crashed = await run(now, first.state, [], 1);
    expect(crashed.state.snapshot().has('p:A')).toBe(true);
    const resumed = await run(now, crashed.state);
    expect(resumed.pages.flatMap((p) => p.items ?? []).map((i) => i.externalId)).toEqual(['C']);
    expect(resumed.pages.flatMap((p) => p.deletes ?? []).sort()).toEqual(['A', 'B']);
  });

  it('writes per page only what the page read: bytes per page do not grow with the source', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ key: `k${i}`, sig: '1', id: `I${i}` }));
    const first = await run(many);
    const sizes = first.pages.map((p) => JSON.stringify(p.state ?? {}).length + JSON.stringify(p.checkpoint).length);
    expect(Math.max(...sizes)).toBeLessThan(200);
    expect(JSON.stringify(first.pages.at(-1)!.checkpoint).length).toBeLessThan(64);
  });
  it('ends a page early once it holds maxPageChars of content, so large messages make small pages', async () => {
    const entries = ['a', 'b', 'c', 'd', 'e'].map((k) => ({ key: k, sig: '1', id: k.toUpperCase() }));
    const sizes: Record<string, number> = { a: 10, b: 600, c: 10, d: 10, e: 10 };
    const pages = [];
    for await (const p of syncFiles({
      entries,
      state: createMemoryState(),
      resumed: false,
      pageSize: 3,
      maxPageChars: 500,
      signal: new AbortController().signal,
      load: async (e) => ({ externalId: e.id, stream: 'messages', content: 'x'.repeat(sizes[e.key]!) }),
    }))
      pages.push(p.items?.map((i) => i.externalId));
    // a + b pass 500 characters: the page ends after b; the rest goes by pageSize.
    expect(pages).toEqual([
      ['A', 'B'],
      ['C', 'D', 'E'],
    ]);
  });

  it('pages hold about 1M characters by default: 400 KB messages go two or three to a page', async () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, sig: '1', id: `M${i}` }));
    const pages = [];
    for await (const p of syncFiles({
      entries,
      state: createMemoryState(),
      resumed: false,
      pageSize: 500,
      signal: new AbortController().signal,
      load: async (e) => ({ externalId: e.id, stream: 'messages', content: 'x'.repeat(400_000) }),
    }))
      pages.push(p.items?.length);
    expect(pages).toEqual([3, 3]);
  });

  it('commits finalState with the last page only, after the deletes are settled', async () => {
    const first = await run([
      { key: 'a', sig: '1', id: 'A' },
      { key: 'b', sig: '1', id: 'B' },
      { key: 'c', sig: '1', id: 'C' },
    ]);
    const pages = [];
    for await (const p of syncFiles({
      entries: [
        { key: 'a', sig: '1', id: 'A' },
        { key: 'd', sig: '1', id: 'D' },
        { key: 'e', sig: '1', id: 'E' },
        { key: 'f', sig: '1', id: 'F' },
      ],
      state: first.state,
      resumed: true,
      pageSize: 2,
      signal: new AbortController().signal,
      load: async (e) => item(e.key.toUpperCase()),
      finalState: async () => ({ set: { 'd:INBOX': 'stamp' }, delete: ['d:Gone'] }),
    }))
      pages.push(p);
    const last = pages.at(-1)!;
    expect(last.deletes?.sort()).toEqual(['B', 'C']);
    expect(last.state?.set?.['d:INBOX']).toBe('stamp');
    expect(last.state?.delete).toContain('d:Gone');
    expect(pages.slice(0, -1).some((p) => JSON.stringify(p.state ?? {}).includes('d:'))).toBe(false);
  });
});
