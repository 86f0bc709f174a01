import { describe, expect, it } from 'vitest';
import { boundSyncHeapGrowth, SYNC_HEAP_GROWTH_PERCENT } from './sync-heap.js';

describe('boundSyncHeapGrowth', () => {
  it('sets the default growth, an override from the environment, and nothing for 0 or a bad value', () => {
    expect(boundSyncHeapGrowth({})).toBe(SYNC_HEAP_GROWTH_PERCENT);
    expect(boundSyncHeapGrowth({ TRIBUTARY_SYNC_HEAP_GROWTH_PERCENT: '120' })).toBe(120);
    expect(boundSyncHeapGrowth({ TRIBUTARY_SYNC_HEAP_GROWTH_PERCENT: '0' })).toBe(0);
    for (const bad of ['-5', '1.5', 'lots', '5000'])
      expect(boundSyncHeapGrowth({ TRIBUTARY_SYNC_HEAP_GROWTH_PERCENT: bad })).toBe(0);
  });
});
