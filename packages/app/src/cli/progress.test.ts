import { describe, expect, it } from 'vitest';
import type { SyncProgress } from '@tributary/engine';
import type { CliIo } from './io.js';
import { createProgressView, progressLine, rateOf } from './progress.js';

const p = (over: Partial<SyncProgress>): SyncProgress => ({
  runId: 'r',
  sourceId: 's',
  phase: 'reading',
  itemsSeen: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  unchanged: 0,
  failed: 0,
  pages: 0,
  elapsedMs: 0,
  ...over,
});

function fakeIo(): { io: CliIo; lines: string[] } {
  const lines: string[] = [];
  const io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => lines.push(s), isTTY: false },
    stdinIsTTY: false,
    env: {},
    cwd: '/',
    confirm: async () => false,
    onInterrupt: () => () => undefined,
  } satisfies CliIo;
  return { io, lines };
}

describe('progress', () => {
  it('computes a rate only after a quarter second', () => {
    expect(rateOf({ itemsSeen: 50, elapsedMs: 200 })).toBe(0);
    expect(rateOf({ itemsSeen: 50, elapsedMs: 500 })).toBe(100);
    expect(rateOf({ itemsSeen: 300, elapsedMs: 2000 })).toBe(150);
  });

  it('formats a plain line with items, rate, page and time', () => {
    expect(progressLine('notes', p({ itemsSeen: 300, elapsedMs: 2000, pages: 3, failed: 1 }))).toBe(
      'sync notes: reading · 300 items · 150/s · page 3 · 2.0s · 1 errors',
    );
  });

  it('prints plain lines at most once a second, and at once on a new phase', () => {
    const { io, lines } = fakeIo();
    let now = 0;
    const view = createProgressView(io, { now: () => now });
    view.update('n', p({ pages: 1 }));
    now = 200;
    view.update('n', p({ pages: 2 })); // same phase, too soon
    now = 400;
    view.update('n', p({ phase: 'finishing', pages: 2 })); // new phase
    now = 1500;
    view.update('n', p({ phase: 'finishing', pages: 3 }));
    now = 1600;
    view.update('n', p({ phase: 'finishing', pages: 3 })); // nothing new
    expect(lines.map((l) => l.split(' · ')[0])).toEqual(['sync n: reading', 'sync n: finishing', 'sync n: finishing']);
    expect(lines[2]).toContain('page 3');
  });

  it('prints nothing when quiet', () => {
    const { io, lines } = fakeIo();
    createProgressView(io, { quiet: true }).update('n', p({ pages: 1 }));
    expect(lines).toEqual([]);
  });
});
