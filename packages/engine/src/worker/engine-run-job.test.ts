import { describe, expect, it } from 'vitest';
import type { SyncOptions } from '../engine/types.js';
import type { SyncJob } from '../queue/types.js';
import { createEngineRunJob, syncOptionsFromJob } from './engine-run-job.js';

const job = (options: SyncJob['payload']['options']): SyncJob => ({
  id: 'j1',
  type: 'slack:sync',
  payload: { sourceId: 's1', userId: 'u1', options },
  attempts: 1,
  maxAttempts: 5,
  enqueuedAt: '2026-01-01T00:00:00.000Z',
  lastError: null,
  dedupKey: null,
});

describe('engine run job', () => {
  const now = Date.UTC(2026, 0, 10);

  it('maps the seed options onto the engine sync options', () => {
    expect(syncOptionsFromJob(job({}), now)).toEqual({ mode: 'incremental', trigger: 'schedule' });
    expect(
      syncOptionsFromJob(
        job({ forceFullSync: true, trigger: 'webhook', hints: { channel: 'C1' }, since: '2026-01-07T12:00:00Z' }),
        now,
      ),
    ).toEqual({ mode: 'full_refresh', trigger: 'webhook', hints: { channel: 'C1' }, backfillDays: 3 });
  });

  it('calls engine.sync with the job signal and lets its errors through', async () => {
    const calls: Array<[string, SyncOptions | undefined]> = [];
    const signal = new AbortController().signal;
    const ok = createEngineRunJob(
      { sync: async (id, o) => (calls.push([id, o]), {} as never) },
      { now: () => now, sleep: async () => undefined },
    );
    await ok(job({ trigger: 'manual' }), signal);
    expect(calls).toEqual([['s1', { mode: 'incremental', trigger: 'manual', signal }]]);

    const failing = createEngineRunJob({
      sync: async () => {
        throw new Error('boom');
      },
    });
    await expect(failing(job({}), signal)).rejects.toThrow('boom');
  });
});
