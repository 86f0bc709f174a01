import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteQueue, type JobQueue } from '@tributary/engine';
import { builtinConnectors } from '@tributary/connectors';
import { harness } from '../test-support/harness.js';

// `tributary jobs dead|retry|discard` and `tributary status` in process, on a real data dir (SQLite store + queue).
let dir: string;
let cli: ReturnType<typeof harness>['run'];
let queue: JobQueue;
let sourceId: string;

async function killJob(error: string): Promise<string> {
  const { id } = await queue.enqueue({ type: 'push:sync', payload: { sourceId, userId: 'local', options: {} } });
  const r = await queue.reserve('test');
  await queue.fail(r!, { message: error, code: 'auth_invalid', retryable: false });
  return id;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-jobs-'));
  cli = harness(builtinConnectors, path.join(dir, 'home'), dir).run;
  const added = await cli('sources', 'add', 'push', '--name', 'exporter', '--json');
  expect(added.code, added.stderr).toBe(0);
  sourceId = added.json().id;
  queue = createSqliteQueue({ path: path.join(dir, 'home', 'tributary.db') });
});
afterAll(async () => {
  await queue.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tributary jobs', () => {
  it('lists dead jobs (table and JSON), retries one, discards the rest with --all', async () => {
    expect((await cli('jobs', 'dead')).stdout).toContain('No dead jobs.');
    const j1 = await killJob('token revoked one');
    const j2 = await killJob('token revoked two');
    const table = await cli('jobs', 'dead');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`${j1}\\s+exporter\\s+push:sync\\s+1\\s+.*auth_invalid: token revoked one`),
    );
    const listed = (await cli('jobs', 'dead', '--json')).json();
    expect(listed.jobs.map((j: { id: string }) => j.id)).toEqual([j1, j2]);
    expect(listed.jobs[1]).toMatchObject({
      sourceId,
      sourceName: 'exporter',
      error: 'auth_invalid: token revoked two',
    });

    const retried = await cli('jobs', 'retry', j1);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Re-queued ${j1}`);
    expect(await queue.getJob(j1)).toMatchObject({ attempts: 0 });
    const again = await cli('jobs', 'retry', j1);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/No dead job/);

    expect((await cli('jobs', 'discard')).code).toBe(2); // neither an id nor --all
    const all = await cli('jobs', 'discard', '--all', '--json');
    expect(all.json()).toMatchObject({ action: 'discard', count: 1, jobs: [{ id: j2 }] });
    expect(await queue.getJob(j2)).toBeNull();
    expect((await queue.stats()).deadLetters).toBe(0);
  });

  it('status: a source without a schedule is manual, unless the operator sets a default interval', async () => {
    const plain = await cli('status', '--json');
    expect(plain.json()).toMatchObject({
      defaultIntervalMinutes: null,
      sources: [{ name: 'exporter', schedule: null, effectiveSchedule: 'manual' }],
    });
    expect((await cli('status')).stdout).toMatch(/Sources without a schedule are manual/);
    const withDefault = harness(builtinConnectors, path.join(dir, 'home'), dir, {
      TRIBUTARY_DEFAULT_INTERVAL_MINUTES: '45',
    }).run;
    const r = await withDefault('status');
    expect(r.stdout).toMatch(/exporter\s+push\s+active\s+every 45m \(default\)/);
    const bad = await harness(builtinConnectors, path.join(dir, 'home'), dir, {
      TRIBUTARY_DEFAULT_INTERVAL_MINUTES: 'hourly',
    }).run('status');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/TRIBUTARY_DEFAULT_INTERVAL_MINUTES/);
  });
});
