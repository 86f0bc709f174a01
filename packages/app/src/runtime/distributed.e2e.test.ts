import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { openRuntime } from './open-runtime.js';
import { PrivateRedis, freePort } from './test-support/redis-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SOURCES = 20;
const ITEMS = 20_000;

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const c of cleanups.reverse()) await c();
});

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', path.join(repoRoot, 'packages/app/src/cli/main.ts'), ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d) => {
    err = (err + d).slice(-4000);
  });
  (child as any).lastStderr = () => err;
  children.push(child);
  return child;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it('distributed: 1 scheduler + 3 workers on PostgreSQL and Redis sync 20 sources exactly, through a worker SIGKILL and a Redis restart', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-dist-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const redis = new PrivateRedis(await freePort(), dir);
  await redis.start();
  cleanups.push(() => redis.stop());
  const schema = `dist_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
  cleanups.push(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  const env = {
    TRIBUTARY_DATABASE_URL: PG_URL,
    TRIBUTARY_DATABASE_SCHEMA: schema,
    TRIBUTARY_REDIS_URL: redis.url,
    TRIBUTARY_QUEUE_PREFIX: `dist-${schema}:`,
    TRIBUTARY_QUEUE_VISIBILITY_MS: '4000',
    TRIBUTARY_SYNC_LEASE_MS: '3000',
    TRIBUTARY_STALE_RUN_MS: '8000',
    TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
  };

  // Sources are created through the same runtime the processes use.
  const setup = await openRuntime({ dataDir: dir, env, connectors: [synthetic] });
  const ids: string[] = [];
  for (let i = 0; i < SOURCES; i++) {
    const s = await setup.engine.sources.add({
      connector: 'synthetic',
      name: `s${i}`,
      config: { count: ITEMS, pageSize: 500, seed: i + 1 },
      schedule: { intervalMinutes: 60 },
    });
    ids.push(s.id);
  }
  await setup.close();

  const common = ['--data-dir', dir];
  spawnCli(['scheduler', '--interval-ms', '300', ...common], env);
  const workers = [0, 1, 2].map(() => spawnCli(['worker', '--concurrency', '2', ...common], env));

  const total = async (): Promise<number> =>
    Number((await admin.query(`SELECT count(*) AS n FROM ${schema}.memories`)).rows[0].n);
  await waitFor(
    'a third of the items',
    async () => ((await total()) > (SOURCES * ITEMS) / 6 ? true : undefined),
    240_000,
  );
  workers[0]!.kill('SIGKILL');
  await waitFor('half of the items', async () => ((await total()) > (SOURCES * ITEMS) / 2 ? true : undefined), 240_000);
  await redis.restart();

  const perSource = async () =>
    (
      await admin.query(
        `SELECT source_id, count(*) AS n, count(DISTINCT external_id) AS d FROM ${schema}.memories WHERE deleted_at IS NULL GROUP BY source_id`,
      )
    ).rows as Array<{ source_id: string; n: string; d: string }>;
  await waitFor(
    'every source complete',
    async () => {
      const rows = await perSource();
      return rows.length === SOURCES && rows.every((r) => Number(r.n) === ITEMS) ? rows : undefined;
    },
    300_000,
  );
  const rows = await perSource();
  expect(rows.map((r) => [Number(r.n), Number(r.d)])).toEqual(Array.from({ length: SOURCES }, () => [ITEMS, ITEMS]));
  expect(Number((await admin.query(`SELECT count(*) AS n FROM ${schema}.memories`)).rows[0].n)).toBe(SOURCES * ITEMS);
  const cps = (await admin.query(`SELECT checkpoint FROM ${schema}.checkpoints`)).rows.map(
    (r) => r.checkpoint.position,
  );
  expect(cps).toEqual(Array.from({ length: SOURCES }, () => ITEMS));

  // No job lost, none left pending: every source has a succeeded run and the queue drains.
  const check = await openRuntime({ dataDir: dir, env, connectors: [synthetic] });
  try {
    const stats = await waitFor(
      'the queue to drain',
      async () => {
        const s = await check.queue.stats();
        return s.depth === 0 && s.inFlight === 0 ? s : undefined;
      },
      60_000,
    );
    expect(stats.deadLetters).toBe(0);
    for (const id of ids) {
      const runs = await check.store.listRuns({ sourceId: id, status: 'succeeded' });
      expect(runs.length, `source ${id} has a succeeded run`).toBeGreaterThanOrEqual(1);
    }
  } finally {
    await check.close();
  }
}, 600_000);
