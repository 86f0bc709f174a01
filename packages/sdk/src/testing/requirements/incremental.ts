import type { AnyConnector } from '../../connector.js';
import type { Page } from '../../item.js';
import type { ConformanceFixture, Mutation } from '../fixture.js';
import { describeDiff, diffStates, isSameState } from '../pages.js';
import {
  ConformanceError,
  fullRead,
  lastCheckpoint,
  listIds,
  readFrom,
  readPages,
  stateOf,
  type RequirementCheck,
} from './shared.js';

async function mutate(id: 'read:incremental' | 'deletions:propagate', fixture: ConformanceFixture): Promise<Mutation> {
  const m = await fixture.mutate();
  if (!m || !Array.isArray(m.added) || !Array.isArray(m.changed) || !Array.isArray(m.deleted)) {
    throw new ConformanceError(id, 'fixture.mutate() must return { added, changed, deleted } (arrays of external ids)');
  }
  return m;
}

/** Whether deleted ids must appear as `deletes` of an incremental read. */
function reportsDeletesIncrementally(connector: AnyConnector, fixture: ConformanceFixture): boolean {
  return connector.manifest.capabilities?.deletions === true && fixture.deletionsByFullRefresh !== true;
}

const yieldedIds = (pages: Page[]): Set<string> =>
  new Set(pages.flatMap((p) => (p.items ?? []).map((i) => i.externalId)));
const deletedIds = (pages: Page[]): Set<string> => new Set(pages.flatMap((p) => p.deletes ?? []));

export const readIncremental: RequirementCheck = async (connector, fixture) => {
  const id = 'read:incremental';
  if (connector.manifest.capabilities?.incremental !== true) {
    throw new ConformanceError(
      id,
      'the manifest does not declare capabilities.incremental; waive read:incremental with a reason',
    );
  }
  const full = await fullRead(id, connector, fixture);
  const checkpoint = lastCheckpoint(id, full);
  const mutation = await mutate(id, fixture);
  if (mutation.added.length + mutation.changed.length === 0)
    throw new ConformanceError(id, 'fixture.mutate() added and changed nothing; cannot check an incremental read');
  const inc = await readFrom(id, 'incremental read from the final checkpoint', connector, fixture, checkpoint, full);
  const yielded = yieldedIds(inc);
  const missed = [...mutation.added, ...mutation.changed].filter((x) => !yielded.has(x));
  if (missed.length)
    throw new ConformanceError(
      id,
      `incremental read after mutate() did not yield added/changed ids: ${listIds(missed)}`,
    );
  const expected = new Set([...mutation.added, ...mutation.changed]);
  const unchanged = [...yielded].filter((x) => !expected.has(x));
  if (unchanged.length) {
    throw new ConformanceError(
      id,
      `incremental read yielded ${unchanged.length} item(s) that did not change: ${listIds(unchanged)} (a connector without incremental reads must waive read:incremental)`,
    );
  }
  const strictDeletes = reportsDeletesIncrementally(connector, fixture);
  if (strictDeletes) {
    const reported = deletedIds(inc);
    const notReported = mutation.deleted.filter((x) => !reported.has(x));
    if (notReported.length)
      throw new ConformanceError(id, `incremental read did not report deleted ids: ${listIds(notReported)}`);
  }
  const applied = stateOf(inc, stateOf(full));
  const fresh = stateOf(await fullRead(id, connector, fixture, 'full read after mutate()'));
  if (!strictDeletes) for (const x of mutation.deleted) applied.delete(x);
  const diff = diffStates(fresh, applied);
  if (!isSameState(diff)) {
    throw new ConformanceError(
      id,
      `full state + incremental pages differs from a fresh full read after mutate(): ${describeDiff(diff)}`,
    );
  }
};

export const deletionsPropagate: RequirementCheck = async (connector, fixture) => {
  const id = 'deletions:propagate';
  if (connector.manifest.capabilities?.deletions !== true) {
    throw new ConformanceError(
      id,
      'the manifest does not declare capabilities.deletions; waive deletions:propagate with a reason',
    );
  }
  const full = await fullRead(id, connector, fixture);
  const checkpoint = lastCheckpoint(id, full);
  const before = yieldedIds(full);
  const mutation = await mutate(id, fixture);
  if (mutation.deleted.length === 0)
    throw new ConformanceError(
      id,
      'fixture.mutate() deleted nothing; it must delete at least one item to check deletions',
    );
  const notThere = mutation.deleted.filter((x) => !before.has(x));
  if (notThere.length)
    throw new ConformanceError(id, `mutate() reports deleting ids the full read never yielded: ${listIds(notThere)}`);
  const inc = await readFrom(id, 'incremental read after mutate()', connector, fixture, checkpoint, full);
  const reported = deletedIds(inc);
  const notReported = mutation.deleted.filter((x) => !reported.has(x));
  if (notReported.length === 0) return;
  if (fixture.deletionsByFullRefresh !== true) {
    throw new ConformanceError(
      id,
      `incremental read did not report deleted ids: ${listIds(notReported)} (if deletions are only found by a full refresh, set fixture.deletionsByFullRefresh)`,
    );
  }
  const refresh = yieldedIds(
    await readPages(id, 'full_refresh read after mutate()', connector, fixture, { mode: 'full_refresh' }),
  );
  const stillThere = mutation.deleted.filter((x) => refresh.has(x));
  if (stillThere.length)
    throw new ConformanceError(
      id,
      `a full_refresh read after mutate() still yields deleted ids: ${listIds(stillThere)}`,
    );
};
