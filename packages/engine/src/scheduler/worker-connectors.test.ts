import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '@tributary/sdk';
import type { EnqueueInput } from '../queue/types.js';
import type { SourceRecord } from '../store/types.js';
import { createScheduler } from './scheduler.js';
import { createRedisWorkerRegistry, startWorkerAdvertiser } from './worker-connectors.js';

const REDIS_URL = process.env.TRIBUTARY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(REDIS_URL);
const prefix = `test:${randomUUID()}:`;
afterAll(async () => {
  await redis.del(`${prefix}workers`);
  redis.disconnect();
});

const T0 = Date.UTC(2026, 0, 1);
const source = (id: string, sourceType: string): SourceRecord => ({
  id,
  ownerId: 'u1',
  sourceType,
  name: id,
  config: {},
  features: {},
  schedule: { intervalMinutes: 60 },
  status: 'active',
  errorMessage: null,
  lastSyncAt: null,
  lastSyncPosition: null,
  createdAt: new Date(T0).toISOString(),
  updatedAt: new Date(T0).toISOString(),
});

describe('distributed routing: workers advertise their connectors, the scheduler routes only what one can run', () => {
  it('Redis registry: union of live workers, an expired worker swept, a stopped one withdrawn', async () => {
    const clock = createManualClock(T0);
    const registry = createRedisWorkerRegistry({ redis, prefix, clock });
    expect(await registry.liveConnectors()).toBeNull(); // no worker yet: nothing to judge by
    await registry.advertise('w1', ['slack', 'acme-notes'], 30_000);
    await registry.advertise('w2', ['slack', 'github'], 60_000);
    expect([...(await registry.liveConnectors())!].sort()).toEqual(['acme-notes', 'github', 'slack']);
    clock.advance(45_000); // w1 missed its heartbeats (killed): its plugin is gone from the union
    expect([...(await registry.liveConnectors())!].sort()).toEqual(['github', 'slack']);
    expect(await redis.hkeys(`${prefix}workers`)).toEqual(['w2']);
    await registry.withdraw('w2');
    expect(await registry.liveConnectors()).toBeNull();
  });

  it('an advertiser heartbeats until stopped, then withdraws', async () => {
    const registry = createRedisWorkerRegistry({ redis, prefix });
    const advertiser = startWorkerAdvertiser(registry, () => ['gmail'], { intervalMs: 50, workerId: 'w-adv' });
    // The first heartbeat is sent at start; wait for it to land (no fixed sleep).
    let live = await registry.liveConnectors();
    for (let i = 0; i < 100 && live === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
      live = await registry.liveConnectors();
    }
    expect([...live!]).toEqual(['gmail']);
    await advertiser.stop();
    expect(await registry.liveConnectors()).toBeNull();
  });

  it('the scheduler skips a source whose connector no live worker has, says why, and routes it once one does', async () => {
    const clock = createManualClock(T0);
    const registry = createRedisWorkerRegistry({ redis, prefix, clock });
    await registry.advertise('w1', ['slack'], 60_000);
    const jobs: EnqueueInput[] = [];
    const sources = [source('s-slack', 'slack'), source('s-plugin', 'acme-notes')];
    const scheduler = createScheduler({
      sources: {
        listSources: async () => sources,
        getSource: async (id) => sources.find((s) => s.id === id) ?? null,
        recentRuns: async () => [],
        routableConnectors: () => registry.liveConnectors(),
      },
      queue: { enqueue: async (job) => (jobs.push(job), { id: `j${jobs.length}`, deduplicated: false }) },
      clock,
    });
    const first = await scheduler.tick();
    expect(first.enqueued.map((e) => e.sourceId)).toEqual(['s-slack']);
    const state = first.states.find((s) => s.sourceId === 's-plugin')!;
    expect(state.status).toBe('no_worker');
    expect(state.error).toMatch(/no live worker has connector "acme-notes": install the plugin/);
    expect((await scheduler.stateOf('s-plugin')).status).toBe('no_worker');

    await registry.advertise('w2', ['slack', 'acme-notes'], 60_000); // a host with the plugin joins
    const second = await scheduler.tick();
    expect(second.enqueued.map((e) => e.sourceId)).toEqual(['s-plugin']);
    expect(jobs.map((j) => j.type)).toEqual(['slack:sync', 'acme-notes:sync']);
    await registry.withdraw('w1');
    await registry.withdraw('w2');
  });
});
