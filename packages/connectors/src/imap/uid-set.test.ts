import { describe, expect, it } from 'vitest';
import { fromRanges, toRanges } from './uid-set.js';

describe('UID sets', () => {
  it('round-trips through the compact sequence-set form', () => {
    expect(toRanges([5, 1, 2, 3, 9, 10, 3])).toBe('1:3,5,9:10');
    expect(fromRanges('1:3,5,9:10')).toEqual([1, 2, 3, 5, 9, 10]);
    expect(toRanges([])).toBe('');
    expect(fromRanges('')).toEqual([]);
  });
});
