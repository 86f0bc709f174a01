import { describe, expect, it } from 'vitest';
import { migrationProgressReporter, progressText } from './migration-progress.js';

const NAME = 'content stored once';

/** A reporter on a fake stderr and clock; `at(ms, done)` reports `done` of 1,000,000 rows at that time. */
function harness(isTTY: boolean) {
  const written: string[] = [];
  let t = 0;
  const report = migrationProgressReporter({ stderr: { isTTY, write: (s: string) => written.push(s) }, now: () => t });
  const at = (ms: number, done: number, total = 1_000_000) => {
    t = ms;
    report({ version: 9, name: NAME, done, total });
  };
  return { written, at };
}

describe('migration progress on stderr', () => {
  it('says nothing about a conversion that ends within a second', () => {
    const { written, at } = harness(true);
    at(0, 0, 1000);
    at(300, 500, 1000);
    at(600, 1000, 1000);
    expect(written).toEqual([]);
  });

  it('on a terminal redraws one line with the ETA at most every 200 ms, and ends it with a newline', () => {
    const { written, at } = harness(true);
    at(0, 500);
    at(1000, 100_000);
    at(1100, 110_000); // too soon after the last draw
    at(1300, 130_000);
    at(10_000, 1_000_000);
    expect(written).toEqual([
      `\r${progressText({ version: 9, name: NAME, done: 100_000, total: 1_000_000 }, 1000)}\x1b[K`,
      `\r${progressText({ version: 9, name: NAME, done: 130_000, total: 1_000_000 }, 1300)}\x1b[K`,
      `\r${progressText({ version: 9, name: NAME, done: 1_000_000, total: 1_000_000 }, 10_000)}\x1b[K\n`,
    ]);
    expect(written[0]).toContain('100,000/1,000,000 rows (10%) · 1 s · about 9 s left');
  });

  it('on a pipe or service log writes a line per 100,000 rows (or tenth of the total) and a last one', () => {
    const { written, at } = harness(false);
    for (let done = 0; done <= 1_000_000; done += 500) at(done / 50, done);
    // 1,000,000 rows at 20 s: a line from 1 s on (50,000 rows), then at each 100,000, the last at the end.
    expect(written.map((l) => l.match(/ ([\d,]+)\/1,000,000 rows/)![1])).toEqual([
      '50,000',
      '100,000',
      '200,000',
      '300,000',
      '400,000',
      '500,000',
      '600,000',
      '700,000',
      '800,000',
      '900,000',
      '1,000,000',
    ]);
    expect(written.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(written[5]).toBe(
      'upgrading the database, migration 9 (content stored once): 500,000/1,000,000 rows (50%) · 10 s · about 10 s left\n',
    );
  });

  it('reads the time left in minutes past a minute', () => {
    expect(progressText({ version: 9, name: NAME, done: 100_000, total: 1_000_000 }, 14_000)).toBe(
      'upgrading the database, migration 9 (content stored once): 100,000/1,000,000 rows (10%) · 14 s · about 2 min 06 s left',
    );
  });
});
