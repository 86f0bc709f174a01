import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, makeItems, startTestServer, type Client, type TestServer } from '../api/test-support/server.js';

// A runaway source (synthetic with a hundred million items) as a non-admin user: it stops at its budget with a clear,
// non-retryable error that the run records and the source shows; the disk reserve stops syncs before the disk fills.
let server: TestServer;
let alice: Client;
let bob: Client;
const disk = { free: 500 * 1024 ** 3, total: 1000 * 1024 ** 3 };

beforeAll(async () => {
  server = await startTestServer({
    engine: {
      budgets: { runItems: 1000, userItems: 1500 },
      diskPath: '/',
      diskProbe: async () => ({ ...disk }),
    },
  });
  const admin = createClient(server.url, server.adminToken);
  const token = async (id: string) => {
    await admin('POST', '/users', { body: { id, name: id } });
    return (await admin('POST', '/users/{id}/tokens', { params: { id }, body: {} })).body.token as string;
  };
  alice = createClient(server.url, await token('alice'));
  bob = createClient(server.url, await token('bob'));
});
afterAll(async () => server.close());

const sync = (client: Client, id: string) =>
  client('POST', '/sources/{id}/sync', { params: { id }, query: { wait: 'true' } });
const memories = async (client: Client, id: string): Promise<number> =>
  (await client('GET', '/sources/{id}/stats', { params: { id } })).body.memories;

describe('budgets', () => {
  let runaway: string;

  it('stop a runaway source at the per-run budget, with budget_exceeded on the run and the source', async () => {
    const res = await alice('POST', '/sources', {
      body: { source_type: 'synthetic', name: 'runaway', config: { count: 100_000_000, pageSize: 100 } },
    });
    expect(res.status).toBe(201);
    runaway = res.body.id;
    const started = Date.now();
    const run = await sync(alice, runaway);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect({ status: run.status, code: run.body.error?.code }).toEqual({ status: 507, code: 'budget_exceeded' });
    expect(run.body.error.message).toMatch(/at most 1000 items.*TRIBUTARY_BUDGET_RUN_ITEMS/);
    expect(await memories(alice, runaway)).toBe(1000);
    const source = (await alice('GET', '/sources/{id}', { params: { id: runaway } })).body;
    expect(source.status).toBe('error');
    expect(source.error_message).toMatch(/^budget_exceeded: /);
    const [last] = (await alice('GET', '/sources/{id}/history', { params: { id: runaway } })).body.runs;
    expect(last).toMatchObject({ status: 'failed', error_code: 'budget_exceeded', items_seen: 1000 });
  });

  it('stop the next runs at the user’s total, and nothing more is stored (pulled or pushed)', async () => {
    const second = await sync(alice, runaway);
    expect(second.body.error?.code).toBe('budget_exceeded');
    expect(second.body.error.message).toMatch(/owner would hold more than 1500 items/);
    expect(await memories(alice, runaway)).toBe(1500);
    // A total changes nothing by itself: the source is paused (not retried on its schedule) and says why.
    const source = (await alice('GET', '/sources/{id}', { params: { id: runaway } })).body;
    expect(source).toMatchObject({ status: 'paused' });
    expect(source.error_message).toMatch(/^budget_exceeded: .*TRIBUTARY_BUDGET_USER_ITEMS/);
    const third = await sync(alice, runaway);
    expect(third.status).toBe(409);
    expect(await memories(alice, runaway)).toBe(1500);
    // Resumed without raising the limit: the total is known only once the run writes, so it passes it by at most
    // that one page (100 items), then pauses again.
    await alice('POST', '/sources/{id}/resume', { params: { id: runaway } });
    expect((await sync(alice, runaway)).status).toBe(507);
    expect(await memories(alice, runaway)).toBe(1600);
    expect((await alice('GET', '/sources/{id}', { params: { id: runaway } })).body.status).toBe('paused');
    const push = await alice('POST', '/sources', { body: { source_type: 'push', name: 'pushed' } });
    const ingest = await alice('POST', '/sources/{id}/ingest', {
      params: { id: push.body.id },
      body: { items: makeItems('p', 0, 5) },
    });
    expect({ status: ingest.status, code: ingest.body.error?.code }).toEqual({ status: 507, code: 'budget_exceeded' });
    expect(await memories(alice, push.body.id)).toBe(0);
  });

  it('are per user: another user syncs as usual', async () => {
    const res = await bob('POST', '/sources', {
      body: { source_type: 'synthetic', name: 'small', config: { count: 300 } },
    });
    const run = await sync(bob, res.body.id);
    expect(run.body.run).toMatchObject({ status: 'succeeded', created: 300 });
  });

  it('keep a disk reserve: syncs stop with a clear error before the disk fills, and go on once space is back', async () => {
    const res = await bob('POST', '/sources', {
      body: { source_type: 'synthetic', name: 'disk', config: { count: 200 } },
    });
    disk.free = 10 * 1024 ** 2; // 10 MiB left of 1000 GiB: below the 1 GiB reserve
    const run = await sync(bob, res.body.id);
    expect({ status: run.status, code: run.body.error?.code }).toEqual({ status: 507, code: 'budget_exceeded' });
    expect(run.body.error.message).toMatch(/free on the data directory's disk, below the reserve of 1\.0 GiB/);
    expect(await memories(bob, res.body.id)).toBe(0);
    disk.free = 500 * 1024 ** 3;
    expect((await sync(bob, res.body.id)).body.run).toMatchObject({ status: 'succeeded', created: 200 });
  });
});
