import { describe, expect, it } from 'vitest';
import { decodeSearchCursor, encodeSearchCursor } from './cursor.js';
import { fuse, RRF_K, RRF_WEIGHTS } from './rrf.js';

describe('reciprocal rank fusion', () => {
  it('sums weight / (k + rank) over the lists and ranks agreement first', () => {
    const fused = fuse({ keyword: ['a', 'b', 'c'], semantic: ['c', 'd'] });
    expect(fused.map((f) => f.id)).toEqual(['c', 'd', 'a', 'b']);
    const c = fused[0]!;
    expect(c.ranks).toEqual({ keyword: 3, semantic: 1 });
    expect(c.score).toBeCloseTo(RRF_WEIGHTS.keyword / (RRF_K + 3) + RRF_WEIGHTS.semantic / (RRF_K + 1), 12);
  });

  it('counts a repeated id at its first rank, takes custom k and weights, breaks ties by keyword rank then id', () => {
    expect(fuse({ keyword: ['a', 'a', 'b'] }).map((f) => [f.id, f.ranks.keyword])).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
    const even = fuse({ keyword: ['x'], semantic: ['y'] }, { k: 10, weights: { semantic: 1 } });
    expect(even.map((f) => f.id)).toEqual(['x', 'y']);
    expect(even[0]!.score).toBeCloseTo(1 / 11, 12);
    expect(fuse({}).length).toBe(0);
  });
});

describe('search cursor', () => {
  const q = { text: 'car', streams: ['notes'], ownerId: 'u1', limit: 5 };
  it('round-trips the offset and mode, whatever the page size', () => {
    const c = encodeSearchCursor(q, { mode: 'hybrid', offset: 40 });
    expect(decodeSearchCursor({ ...q, limit: 50 }, c)).toEqual({ mode: 'hybrid', offset: 40 });
  });

  it('refuses a cursor of another query, filter or owner, and garbage', () => {
    const c = encodeSearchCursor(q, { mode: 'keyword', offset: 5 });
    for (const other of [
      { ...q, text: 'bus' },
      { ...q, streams: ['mail'] },
      { ...q, ownerId: 'u2' },
    ])
      expect(() => decodeSearchCursor(other, c)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => decodeSearchCursor(q, 'not-a-cursor')).toThrow(/malformed/);
    const negative = Buffer.from(JSON.stringify({ m: 'keyword', o: -1, f: 'x' })).toString('base64url');
    expect(() => decodeSearchCursor(q, negative)).toThrow(/malformed/);
  });
});
