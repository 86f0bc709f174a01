import { describe, expect, it } from 'vitest';
import { benchLogs } from './bench.js';

describe('benchLogs', () => {
  it('reads every generated line through the connector and reports numbers', async () => {
    const r = await benchLogs({ lines: 20_000 });
    expect(r.lines).toBe(20_000);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.linesPerSec).toBeGreaterThan(0);
    expect(r.peakRssMb).toBeGreaterThan(0);
  });
});
