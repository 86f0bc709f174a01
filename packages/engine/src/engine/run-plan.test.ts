import { describe, expect, it } from 'vitest';
import { REQUEST_RETRY_BUDGET, TributaryError, exhaustedError } from '@tributary/sdk';
import { planReadRetry, planRun, RUN_RETRY_BUDGET, type RunPlan } from './run-plan.js';

const none = { checkpoint: undefined };
const valid = (n: number) => ({ checkpoint: { n } });
const invalid = { checkpoint: undefined, invalid: true, reason: 'n: expected number' };

describe('planRun (pure)', () => {
  it('first attempts: backfill without a checkpoint, incremental with one, full refresh from scratch', () => {
    expect(planRun({ requested: 'incremental', attempt: 1, stored: none, committedInRun: false })).toEqual({
      mode: 'backfill',
      checkpoint: undefined,
      markSeen: false,
      tombstoneAtEnd: false,
      cleanResync: false,
    });
    expect(planRun({ requested: 'incremental', attempt: 1, stored: valid(3), committedInRun: false })).toMatchObject({
      mode: 'incremental',
      checkpoint: { n: 3 },
      tombstoneAtEnd: false,
    });
    expect(planRun({ requested: 'full_refresh', attempt: 1, stored: valid(3), committedInRun: false })).toEqual({
      mode: 'full_refresh',
      checkpoint: undefined,
      markSeen: true,
      tombstoneAtEnd: true,
      cleanResync: false,
    });
  });

  it('a bad stored checkpoint starts a clean full re-sync', () => {
    expect(planRun({ requested: 'incremental', attempt: 1, stored: invalid, committedInRun: false })).toEqual({
      mode: 'full_refresh',
      checkpoint: undefined,
      markSeen: true,
      tombstoneAtEnd: true,
      cleanResync: true,
    });
  });

  it('a retried full refresh resumes from the checkpoint it committed, still marking and tombstoning', () => {
    const first = planRun({ requested: 'full_refresh', attempt: 1, stored: valid(9), committedInRun: false });
    expect(planRun({ requested: 'full_refresh', attempt: 2, stored: valid(3), first, committedInRun: true })).toEqual({
      mode: 'full_refresh',
      checkpoint: { n: 3 },
      markSeen: true,
      tombstoneAtEnd: true,
      cleanResync: false,
    });
    // Nothing committed yet: the stored checkpoint is the one from before the run, not ours; start over.
    expect(
      planRun({ requested: 'full_refresh', attempt: 2, stored: valid(9), first, committedInRun: false }),
    ).toMatchObject({ mode: 'full_refresh', checkpoint: undefined, markSeen: true });
  });

  it('a retried clean re-sync stays a full refresh (it does not turn incremental) and tombstones at the end', () => {
    const first = planRun({ requested: 'incremental', attempt: 1, stored: invalid, committedInRun: false });
    expect(planRun({ requested: 'incremental', attempt: 2, stored: valid(3), first, committedInRun: true })).toEqual({
      mode: 'full_refresh',
      checkpoint: { n: 3 },
      markSeen: true,
      tombstoneAtEnd: true,
      cleanResync: true,
    });
    expect(
      planRun({ requested: 'incremental', attempt: 2, stored: invalid, first, committedInRun: false }),
    ).toMatchObject({ mode: 'full_refresh', checkpoint: undefined, tombstoneAtEnd: true });
  });

  it('a retried backfill stays a backfill and resumes from its checkpoint', () => {
    const first: RunPlan = planRun({ requested: 'incremental', attempt: 1, stored: none, committedInRun: false });
    expect(planRun({ requested: 'incremental', attempt: 2, stored: valid(2), first, committedInRun: true })).toEqual({
      mode: 'backfill',
      checkpoint: { n: 2 },
      markSeen: false,
      tombstoneAtEnd: false,
      cleanResync: false,
    });
  });
});

describe('planReadRetry (the runner layer of the retry policy)', () => {
  const base = { attempt: 1, progressed: false, failingForMs: 0, budget: RUN_RETRY_BUDGET, storeOutageMs: 60_000 };
  const down = new TributaryError('upstream_unavailable', '503');

  it('retries a retryable failure, not a non-retryable one nor a plain error', () => {
    expect(planReadRetry({ ...base, error: down, random: () => 1 })).toEqual({ retry: true, delayMs: 1000 });
    expect(planReadRetry({ ...base, error: new TributaryError('auth_invalid', 'no') })).toEqual({ retry: false });
    expect(planReadRetry({ ...base, error: new Error('bug') })).toEqual({ retry: false });
  });

  it('does not repeat a request whose request budget is spent, unless the attempt made progress', () => {
    const spent = exhaustedError(down, REQUEST_RETRY_BUDGET.maxAttempts);
    expect(planReadRetry({ ...base, error: spent })).toEqual({ retry: false });
    expect(planReadRetry({ ...base, error: spent, progressed: true }).retry).toBe(true);
  });

  it('waits out a store outage on time, not attempts', () => {
    const outage = new TributaryError('store_unavailable', 'connection lost');
    expect(planReadRetry({ ...base, error: outage, attempt: 40, failingForMs: 30_000 }).retry).toBe(true);
    expect(planReadRetry({ ...base, error: outage, attempt: 2, failingForMs: 60_000 })).toEqual({ retry: false });
  });
});
