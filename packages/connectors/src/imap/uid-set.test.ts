import { describe, expect, it } from 'vitest';
import { folderState, knownMessages } from './checkpoint.js';
import { fromRanges, toRanges } from './uid-set.js';

describe('UID sets', () => {
  it('round-trips through the compact sequence-set form', () => {
    expect(toRanges([5, 1, 2, 3, 9, 10, 3])).toBe('1:3,5,9:10');
    expect(fromRanges('1:3,5,9:10')).toEqual([1, 2, 3, 5, 9, 10]);
    expect(toRanges([])).toBe('');
    expect(fromRanges('')).toEqual([]);
  });

  it('stores known messages compactly and reads them back', () => {
    const known = new Map([
      [3, 'c@x'],
      [1, 'a@x'],
      [2, ''],
    ]);
    const state = folderState('42', 3, '7', known);
    expect(state).toEqual({ uidValidity: '42', lastUid: 3, modseq: '7', uids: '1:3', ids: ['a@x', '', 'c@x'] });
    expect([...knownMessages(state)]).toEqual([
      [1, 'a@x'],
      [2, ''],
      [3, 'c@x'],
    ]);
  });
});
