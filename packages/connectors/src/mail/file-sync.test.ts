import type { Item } from '@tributary/sdk';
import { describe, expect, it } from 'vitest';
import { syncFileMap, type FileMapCheckpoint } from './file-sync.js';

const item = (id: string): Item => ({ externalId: id, stream: 'messages', content: id });

async function run(
  entries: Array<{ key: string; sig: string; id: string }>,
  previous?: FileMapCheckpoint,
  failKeys: string[] = [],
) {
  const pages = [];
  for await (const p of syncFileMap({
    entries,
    previous,
    pageSize: 2,
    signal: new AbortController().signal,
    load: async (e) => {
      if (failKeys.includes(e.key)) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return item(e.id);
    },
  }))
    pages.push(p);
  return pages;
}

describe('syncFileMap', () => {
  it('reads new files in pages, then only changes, and deletes ids no file produces any more', async () => {
    const first = await run([
      { key: 'a', sig: '1', id: 'A' },
      { key: 'b', sig: '1', id: 'B' },
      { key: 'c', sig: '1', id: 'C' },
    ]);
    expect(first.map((p) => p.items?.map((i) => i.externalId))).toEqual([['A', 'B'], ['C']]);
    const cp = first.at(-1)!.checkpoint;
    // b moved to key d (same message), c removed, a unchanged, e new.
    const second = await run(
      [
        { key: 'a', sig: '1', id: 'A' },
        { key: 'd', sig: '1', id: 'B' },
        { key: 'e', sig: '1', id: 'E' },
      ],
      cp,
    );
    expect(second.flatMap((p) => p.items ?? []).map((i) => i.externalId)).toEqual(['B', 'E']);
    expect(second.flatMap((p) => p.deletes ?? [])).toEqual(['C']);
    expect(second.at(-1)!.checkpoint.pending).toEqual([]);
  });

  it('reports a file that cannot be read as a per-item error and goes on', async () => {
    const pages = await run(
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

  it('keeps deletions owed across a crash in the checkpoint', async () => {
    const first = await run([
      { key: 'a', sig: '1', id: 'A' },
      { key: 'b', sig: '1', id: 'B' },
    ]);
    const gen = syncFileMap({
      entries: [
        { key: 'c', sig: '1', id: 'C' },
        { key: 'd', sig: '1', id: 'D' },
        { key: 'e', sig: '1', id: 'E' },
      ],
      previous: first.at(-1)!.checkpoint,
      pageSize: 2,
      signal: new AbortController().signal,
      load: async (e) => item((e as { id: string }).id),
    });
    const page1 = (await gen.next()).value!;
    await gen.return(undefined);
    expect(page1.checkpoint.pending.sort()).toEqual(['A', 'B']);
    const resumed = await run(
      [
        { key: 'c', sig: '1', id: 'C' },
        { key: 'd', sig: '1', id: 'D' },
        { key: 'e', sig: '1', id: 'E' },
      ],
      page1.checkpoint,
    );
    expect(resumed.flatMap((p) => p.deletes ?? []).sort()).toEqual(['A', 'B']);
  });
});
