import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '@tributary/engine';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { repoRoot } from '../cli/test-support/spawn-cli.js';
import { openRuntime } from './open-runtime.js';
import { PrivatePostgres } from './test-support/pg-cluster.js';
import { PrivateRedis, freePort } from './test-support/redis-server.js';

/**
 * DESIGN §8 fault tests: the database (a private PostgreSQL 15 cluster, never the shared one) and Redis restart in
 * the middle of a sync under `sync`, `serve`, `worker` and `scheduler`. No process dies, the run waits the outage
 * out and resumes from its checkpoint, the result is exact, and no run stays `running`.
 */
const ITEMS = 12_000;
const PAGE = 200;

let dir: string;
let postgres: PrivatePostgres;
let redis: PrivateRedis;
let admin: pg.Pool;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-restart-'));
  postgres = new PrivatePostgres(await freePort(), dir);
  redis = new PrivateRedis(await freePort(), dir);
  await Promise.all([postgres.start(), redis.start()]);
  admin = new pg.Pool({ connectionString: postgres.url, max: 2 });
  admin.on('error', () => undefined); // the test restarts the server under this pool too
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await admin?.end().catch(() => undefined);
  await redis?.stop();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function envFor(schema: string): Record<string, string> {
  return {
    TRIBUTARY_DATABASE_URL: postgres.url,
    TRIBUTARY_DATABASE_SCHEMA: schema,
    TRIBUTARY_REDIS_URL: redis.url,
    TRIBUTARY_QUEUE_PREFIX: `${schema}:`,
    TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
  };
}

/** `tributary <args>` as a separate process; its output is kept for the failure message. */
function cli(args: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', path.join(repoRoot, 'packages/app/src/cli/main.ts'), ...args],
    { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (d: Buffer): void => void (out = (out + d.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  children.push(child);
  return Object.assign(child, { output: () => out });
}

const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined); // the server may be restarting
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function count(schema: string): Promise<{ n: number; distinct: number }> {
  const { rows } = await admin.query(
    `SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM ${schema}.memories WHERE deleted_at IS NULL`,
  );
  return { n: Number(rows[0].n), distinct: Number(rows[0].d) };
}

async function runs(schema: string): Promise<Array<{ status: string; error: string | null }>> {
  return (await admin.query(`SELECT status, error FROM ${schema}.data_source_sync_history ORDER BY seq`)).rows;
}

/** A schema with one synthetic source of ITEMS items, created through the runtime the processes use. */
async function seed(schema: string, env: Record<string, string>, schedule?: { intervalMinutes: number }) {
  const runtime = await openRuntime({ dataDir: dir, env, connectors: [synthetic] });
  try {
    return await runtime.engine.sources.add({
      connector: 'synthetic',
      name: 'chat',
      config: { count: ITEMS, pageSize: PAGE, seed: 7 },
      ...(schedule ? { schedule } : {}),
    });
  } finally {
    await runtime.close();
  }
}

/** Restarts PostgreSQL once a quarter of the items are in. */
async function restartMidway(schema: string): Promise<void> {
  await waitFor('a quarter of the items', async () => ((await count(schema)).n >= ITEMS / 4 ? true : undefined));
  expect((await count(schema)).n).toBeLessThan(ITEMS); // still mid-sync
  await postgres.restart();
}

async function expectExact(schema: string): Promise<void> {
  expect(await count(schema)).toEqual({ n: ITEMS, distinct: ITEMS });
  const all = await runs(schema);
  expect(all.filter((r) => r.status === 'running')).toEqual([]);
  expect(all.some((r) => r.status === 'succeeded')).toBe(true);
}

describe('PostgreSQL and Redis restarts mid-sync', () => {
  it('the store survives a restart with a client checked out and idle, and maps the loss to store_unavailable', async () => {
    const store = createPostgresStore({ connectionString: postgres.url, schema: `restart_store_${process.pid}` });
    try {
      await store.migrate();
      // Checked out and idle, as between two statements of a transaction: pg emits 'error' on the client itself,
      // which would kill the process without the store's listener (vitest reports it as an unhandled error).
      const held = await store.pool.connect();
      const lost = new Promise((resolve) => held.once('error', resolve));
      await postgres.restart();
      await lost;
      held.release(true);
      // While the server is down every store call fails with the retryable code; once it is back, calls work.
      await postgres.halt();
      await expect(store.countMemories({})).rejects.toMatchObject({ code: 'store_unavailable', retryable: true });
      await expect(store.getSource('x')).rejects.toMatchObject({ code: 'store_unavailable' });
      await postgres.resume();
      expect(await waitFor('the store to answer', () => store.countMemories({}))).toBe(0);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('`tributary sync`: PostgreSQL restarts, the process lives, the run resumes and ends exact', async () => {
    const schema = `restart_sync_${process.pid}`;
    const env = envFor(schema);
    await seed(schema, env);
    const sync = cli(['sync', 'chat', '--data-dir', dir], env);
    const exited = new Promise<number | null>((resolve) => sync.on('close', (code) => resolve(code)));
    await restartMidway(schema);
    const code = await exited;
    expect(code, sync.output()).toBe(0);
    await expectExact(schema);
    expect((await runs(schema)).map((r) => r.status)).toEqual(['succeeded']);
  }, 120_000);

  it('`tributary serve`: PostgreSQL restarts during a sync started over REST; the server lives and answers', async () => {
    const schema = `restart_serve_${process.pid}`;
    const env = envFor(schema);
    const source = await seed(schema, env);
    const port = await freePort();
    const serve = cli(['serve', '--port', String(port), '--data-dir', dir], env);
    const token = await waitFor('the bootstrap token', async () => serve.output().match(/^\s+(\S{20,})\s*$/m)?.[1]);
    const base = `http://127.0.0.1:${port}/api/v1`;
    const headers = { authorization: `Bearer ${token}` };
    const started = await fetch(`${base}/sources/${source.id}/sync`, { method: 'POST', headers });
    expect(started.status, await started.text()).toBeLessThan(300);
    await restartMidway(schema);
    await waitFor('the sync to finish', async () =>
      (await runs(schema)).some((r) => r.status === 'succeeded') ? true : undefined,
    );
    expect(alive(serve), serve.output()).toBe(true);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    await expectExact(schema);
    serve.kill('SIGTERM');
  }, 120_000);

  it('`worker` and `scheduler`: PostgreSQL, then Redis restart; both processes live and the sync ends exact', async () => {
    const schema = `restart_worker_${process.pid}`;
    const env = envFor(schema);
    await seed(schema, env, { intervalMinutes: 60 });
    const scheduler = cli(['scheduler', '--interval-ms', '300', '--data-dir', dir], env);
    const worker = cli(['worker', '--data-dir', dir], env);
    await restartMidway(schema);
    await waitFor('half of the items', async () => ((await count(schema)).n >= ITEMS / 2 ? true : undefined));
    await redis.restart();
    await waitFor('the sync to finish', async () =>
      (await runs(schema)).some((r) => r.status === 'succeeded') ? true : undefined,
    );
    expect(alive(worker), worker.output()).toBe(true);
    expect(alive(scheduler), scheduler.output()).toBe(true);
    await expectExact(schema);
    const runtime = await openRuntime({ dataDir: dir, env, connectors: [synthetic] });
    try {
      // After both restarts the scheduler still leads and the queue still delivers: a new source gets synced.
      const late = await runtime.engine.sources.add({
        connector: 'synthetic',
        name: 'late',
        config: { count: 300, pageSize: 100, seed: 9 },
        schedule: { intervalMinutes: 60 },
      });
      await waitFor('the new source to sync', async () => {
        const done = await runtime.store.listRuns({ sourceId: late.id, status: 'succeeded' });
        return done.length ? true : undefined;
      });
      expect(await runtime.store.countMemories({ sourceId: late.id })).toBe(300);
      // The queue drained: nothing dead-lettered, nothing left in flight.
      const stats = await waitFor('the queue to drain', async () => {
        const s = await runtime.queue.stats();
        return s.inFlight === 0 ? s : undefined;
      });
      expect(stats.deadLetters).toBe(0);
    } finally {
      await runtime.close();
    }
    worker.kill('SIGTERM');
    scheduler.kill('SIGTERM');
  }, 150_000);
});
