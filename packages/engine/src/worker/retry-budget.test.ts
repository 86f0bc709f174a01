import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_RETRY_BUDGET, type AnyConnector, type Clock, type Credential } from '@tributary/sdk';
import { githubConnector } from '@tributary/connectors/github/index';
import { slackConnector } from '@tributary/connectors/slack/index';
import { seedSlackWorkspace, startSlackTwin } from '../../../../test/twins/slack/index.js';
import { seedGithubRepo, startGithubTwin } from '../../../../test/twins/github/index.js';
import { createTestEngine } from '../engine/test-support/harness.js';
import { createSqliteQueue } from '../queue/sqlite-queue.js';
import { createEngineRunJob } from './engine-run-job.js';
import { createWorker, type WorkerEvent } from './worker.js';

/**
 * The retry policy's promise (docs/architecture.md): a persistently failing endpoint is called
 * REQUEST_RETRY_BUDGET.maxAttempts times per sync (the request layer retries; the runner does not repeat a spent
 * request budget), and maxAttempts × the queue's maxAttempts times before the job is dead-lettered.
 */
const PER_SYNC = REQUEST_RETRY_BUDGET.maxAttempts;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Sleeps pass at once: backoffs are counted, not waited. */
const instant: Clock = (() => {
  let now = Date.now();
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
})();

async function engineFor(connector: AnyConnector, credential: Credential) {
  const t = await createTestEngine([connector], {
    clock: instant,
    credentials: () => ({ get: async () => credential, refresh: async () => credential }),
  });
  cleanups.push(t.cleanup);
  return t;
}

describe('one retry policy: a persistently failing endpoint is called a bounded number of times', () => {
  it(`Slack answering 500 forever: ${PER_SYNC} calls per sync, the run fails retryably`, async () => {
    const twin = await startSlackTwin(seedSlackWorkspace({ channels: 1, messagesPerChannel: 5, dms: 0 }).state);
    cleanups.push(() => twin.close());
    twin.faults.inject({ status: 500, times: Infinity });
    const { engine } = await engineFor(slackConnector, { kind: 'token', token: 'xoxb-twin-bot' });
    const source = await engine.sources.add({ connector: 'slack', name: 'slack', config: { baseUrl: twin.apiUrl } });
    await expect(engine.sync(source.id)).rejects.toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(twin.total()).toBe(PER_SYNC);
    expect((await engine.runs({ sourceId: source.id }))[0]).toMatchObject({ status: 'failed', apiCalls: PER_SYNC });
  });

  it(`GitHub answering 503 forever: ${PER_SYNC} calls per sync`, async () => {
    const twin = await startGithubTwin(seedGithubRepo({ issues: 2, pulls: 1, commits: 2, files: 1 }).state);
    cleanups.push(() => twin.close());
    twin.faults.inject({ status: 503, times: Infinity });
    const { engine } = await engineFor(githubConnector, { kind: 'token', token: 'ghp_twin' });
    const source = await engine.sources.add({
      connector: 'github',
      name: 'gh',
      config: { repos: ['acme/widgets'], baseUrl: twin.url },
    });
    await expect(engine.sync(source.id)).rejects.toMatchObject({ code: 'upstream_unavailable' });
    expect(twin.total()).toBe(PER_SYNC);
  });

  it(`under the worker: ${PER_SYNC} × the queue's maxAttempts (3) calls, then a dead letter`, async () => {
    const twin = await startSlackTwin(seedSlackWorkspace({ channels: 1, messagesPerChannel: 5, dms: 0 }).state);
    cleanups.push(() => twin.close());
    twin.faults.inject({ status: 500, times: Infinity });
    const { engine } = await engineFor(slackConnector, { kind: 'token', token: 'xoxb-twin-bot' });
    const source = await engine.sources.add({ connector: 'slack', name: 'slack', config: { baseUrl: twin.apiUrl } });
    const dir = mkdtempSync(path.join(tmpdir(), 'tributary-retry-'));
    const queue = createSqliteQueue({ path: path.join(dir, 'q.db'), maxAttempts: 3, backoff: { baseMs: 10 } });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => queue.close());
    await queue.enqueue({ type: 'slack:sync', payload: { sourceId: source.id, userId: 'local', options: {} } });
    const dead = new Promise<void>((resolve) => {
      const worker = createWorker({
        queue,
        runJob: createEngineRunJob(engine),
        pollMs: 5,
        onEvent: (e: WorkerEvent) => e.type === 'job_dead' && resolve(),
      });
      worker.start();
      cleanups.push(() => worker.stop());
    });
    await dead;
    expect(twin.total()).toBe(PER_SYNC * 3);
    const letters = await queue.listDeadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]!.error).toMatch(/^upstream_unavailable: /);
  });
});
