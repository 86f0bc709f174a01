import { expect, it } from 'vitest';
import { mergeHints } from './hints.js';

it('unions lists, keeps agreed narrowing, drops disagreeing narrowing and event ids', () => {
  expect(
    mergeHints({ channel: 'C1', deletes: ['a'], eventId: 'e1' }, { channel: 'C1', deletes: ['b', 'a'], eventId: 'e2' }),
  ).toEqual({ channel: 'C1', deletes: ['a', 'b'] });
  expect(mergeHints({ channel: 'C1', deletes: ['a'] }, { channel: 'C2' })).toEqual({ deletes: ['a'] });
  expect(mergeHints({}, { channel: 'C2', deletes: ['x'] })).toEqual({ deletes: ['x'] });
  expect(mergeHints({ repo: 'o/r' }, {})).toEqual({});
});
