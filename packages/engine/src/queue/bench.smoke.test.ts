import { describe, expect, it } from 'vitest';
import { benchQueues } from './bench.js';

describe('benchQueues', () => {
  it('runs every backend end to end on a small count (throughput is printed by npm run bench, not asserted)', async () => {
    const results = await benchQueues({ jobs: 300 });
    expect(results.map((r) => r.backend)).toEqual(['sqlite', 'redis']);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.jobs).toBe(300);
      expect(r.jobsPerSec).toBeGreaterThan(0);
    }
    expect(results[1]?.rawBaselinePerSec).toBeGreaterThan(0);
  });
});
