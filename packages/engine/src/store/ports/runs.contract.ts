import { describe, expect, it } from 'vitest';
import type { RunStore } from './runs.js';
import type { SourceStore } from './sources.js';
import type { WriteStore } from './write-path.js';
import { chat, newSource, prepared } from '../contract-support.js';

/** Runs: counters added with pages, final totals, stale runs. */
export function runsContract(getStore: () => RunStore & SourceStore & WriteStore): void {
  describe('runs', () => {
    it('records runs with counts, finishes them and finds stale ones', async () => {
      const store = getStore();
      const s = await newSource(store);
      const run = await store.startRun({ sourceId: s.id, mode: 'incremental', trigger: 'manual' });
      expect(run.status).toBe('running');
      await store.commitPage({
        sourceId: s.id,
        runId: run.id,
        items: prepared([chat('a', 'x'), chat('b', 'y')]),
        deletes: [],
        checkpoint: { p: 1 },
        runCounts: { apiCalls: 3 },
      });
      const mid = await store.getRun(run.id);
      expect(mid).toMatchObject({ created: 2, itemsSeen: 2, apiCalls: 3 });
      expect((await store.findStaleRuns(new Date(Date.now() + 60_000).toISOString())).map((r) => r.id)).toContain(
        run.id,
      );
      const done = await store.finishRun(run.id, {
        status: 'succeeded',
        mode: 'backfill',
        counts: { created: 2, itemsSeen: 2, apiCalls: 3 },
      });
      expect(done).toMatchObject({ status: 'succeeded', mode: 'backfill', created: 2, apiCalls: 3 });
      expect(done.finishedAt).not.toBeNull();
      expect(await store.findStaleRuns(new Date(Date.now() + 60_000).toISOString())).toHaveLength(0);
      expect((await store.listRuns({ sourceId: s.id })).map((r) => r.id)).toEqual([run.id]);
      expect((await store.listRuns({ ownerId: 'someone-else' })).length).toBe(0);
    });
  });
}
