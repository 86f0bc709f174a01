import { describe, expect, it } from 'vitest';
import { lazyParts } from './lazy-parts.js';

describe('lazyParts', () => {
  it('makes each part on its first read, once, and says which exist', () => {
    const calls: string[] = [];
    const parts = lazyParts({
      write: () => (calls.push('write'), { kind: 'write' }),
      search: () => (calls.push('search'), { kind: 'search' }),
    });
    expect(calls).toEqual([]);
    expect(parts.made('search')).toBe(false);
    const first = parts.search;
    expect(first).toEqual({ kind: 'search' });
    expect(parts.search).toBe(first);
    expect(calls).toEqual(['search']);
    expect(parts.made('search')).toBe(true);
    expect(parts.made('write')).toBe(false);
  });

  it('a part whose making fails is made again on the next read (nothing half-made is kept)', () => {
    let attempts = 0;
    const parts = lazyParts({
      flaky: () => {
        attempts++;
        if (attempts === 1) throw new Error('not yet');
        return attempts;
      },
    });
    expect(() => parts.flaky).toThrow('not yet');
    expect(parts.made('flaky')).toBe(false);
    expect(parts.flaky).toBe(2);
  });
});
