import type { AnyConnector } from '../../connector.js';
import type { Page } from '../../item.js';
import { createTestContext } from '../context.js';
import type { ConformanceFixture } from '../fixture.js';
import { commitState, describeDiff, diffStates, isSameState, type AppliedState } from '../pages.js';
import {
  ConformanceError,
  describeError,
  fixtureContextOptions,
  fullRead,
  readFrom,
  stateOf,
  type RequirementCheck,
} from './shared.js';

const id = 'sync:resume:after-any-page';

/** Crash points to try: all of 0..n-1 when n ≤ max, else 10 spread over the range including the first and last. */
export function crashPoints(n: number, max = 50, sample = 10): number[] {
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, k) => k);
  const points = new Set<number>();
  for (let i = 0; i < sample; i++) points.add(Math.round((i * (n - 1)) / (sample - 1)));
  return [...points].sort((a, b) => a - b);
}

/**
 * Reads until page `k` arrives, then abandons the read without committing page `k` (the iterator is closed, as a
 * dying worker would leave it). Returns the pages committed before it.
 */
async function readUntilCrash(connector: AnyConnector, fixture: ConformanceFixture, k: number): Promise<Page[]> {
  const committed: Page[] = [];
  let crashed = false;
  try {
    const ctx = createTestContext(connector, fixtureContextOptions(fixture));
    for await (const page of connector.read(ctx)) {
      if (committed.length === k) {
        // Page k and its state are lost with the crash: the state the read saw so far is what was committed.
        crashed = true;
        break;
      }
      committed.push(page);
      commitState(ctx, page);
    }
  } catch (err) {
    throw new ConformanceError(id, `full read interrupted at page ${k} failed: ${describeError(err)}`, { cause: err });
  }
  if (!crashed)
    throw new ConformanceError(
      id,
      `a second full read yielded only ${committed.length} pages, the first ${k + 1} or more (non-deterministic paging?)`,
    );
  return committed;
}

function compare(expected: AppliedState, actual: AppliedState, what: string): void {
  const diff = diffStates(expected, actual);
  if (!isSameState(diff))
    throw new ConformanceError(
      id,
      `${what}: the final state differs from an uninterrupted full read: ${describeDiff(diff)}`,
    );
}

export const syncResumeAfterAnyPage: RequirementCheck = async (connector, fixture) => {
  const pages = await fullRead(id, connector, fixture);
  const n = pages.length;
  if (n === 0)
    throw new ConformanceError(id, 'the full read yielded no pages; the fixture upstream must hold at least one item');
  const expected = stateOf(pages);
  const points = crashPoints(n, fixture.maxPages ?? 50);

  // A crash after page k was committed: resume from its checkpoint.
  for (const k of points) {
    const committed = stateOf(pages.slice(0, k + 1));
    const rest = await readFrom(
      id,
      `resume after page ${k} of ${n}`,
      connector,
      fixture,
      pages[k]!.checkpoint,
      pages.slice(0, k + 1),
    );
    compare(expected, stateOf(rest, committed), `crash after page ${k} of ${n} (0-based), resumed from its checkpoint`);
  }

  // A crash while page k was in flight: a live read is abandoned, pages 0..k-1 stay committed, page k is lost.
  for (const k of points) {
    const committed = await readUntilCrash(connector, fixture, k);
    const checkpoint = k === 0 ? undefined : committed[k - 1]!.checkpoint;
    const rest = await readFrom(
      id,
      `resume after a crash during page ${k} of ${n}`,
      connector,
      fixture,
      checkpoint,
      committed,
    );
    compare(
      expected,
      stateOf(rest, stateOf(committed)),
      `crash during page ${k} of ${n} (pages before it committed), resumed from ${k === 0 ? 'scratch' : `page ${k - 1}'s checkpoint`}`,
    );
  }
};
