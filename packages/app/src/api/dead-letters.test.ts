import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisQueue, deleteRedisPrefix, type JobQueue } from '@tributary/engine';
import { createClient, startTestServer, type Client, type TestServer } from './test-support/server.js';

// Dead letters over the API on the real SQLite queue: listed with their error, retried or discarded, one or all;
// a user sees and touches only the dead jobs of their own sources; /metrics exposes tributary_dead_letters.

const REDIS_URL = process.env.TRIBUTARY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

for (const backend of ['sqlite', 'redis'] as const)
  describe(backend, () => {
    const prefix = `test:dead:${randomUUID()}:`;
    let server: TestServer;
    let admin: Client;
    let alice: Client;
    let bob: Client;
    const ids: Record<string, string> = {};

    /** A sync job for a source that fails for good (a non-retryable error): a dead letter. */
    async function killJob(queue: JobQueue, sourceId: string, userId: string, error: string): Promise<string> {
      const { id } = await queue.enqueue({ type: 'push:sync', payload: { sourceId, userId, options: {} } });
      const reserved = await queue.reserve('test');
      expect(reserved?.job.id).toBe(id);
      expect(await queue.fail(reserved!, { message: error, code: 'auth_invalid', retryable: false })).toEqual({
        outcome: 'dead',
      });
      return id;
    }

    beforeAll(async () => {
      server = await startTestServer(
        backend === 'redis' ? { queue: createRedisQueue({ redis: REDIS_URL, prefix }) } : {},
      );
      admin = createClient(server.url, server.adminToken);
      await admin('POST', '/users', { body: { id: 'alice', name: 'Alice' } });
      await admin('POST', '/users', { body: { id: 'bob', name: 'Bob' } });
      const token = async (user: string) =>
        (await admin('POST', '/users/{id}/tokens', { params: { id: user }, body: {} })).body.token as string;
      alice = createClient(server.url, await token('alice'));
      bob = createClient(server.url, await token('bob'));
      const src = async (c: Client, name: string) => {
        const res = await c('POST', '/sources', { body: { source_type: 'push', name } });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        return res.body.id as string;
      };
      ids.a1 = await src(alice, 'a1');
      ids.a2 = await src(alice, 'a2');
      ids.b1 = await src(bob, 'b1');
      ids.j1 = await killJob(server.queue, ids.a1!, 'alice', 'token revoked (a1, first)');
      ids.j2 = await killJob(server.queue, ids.a1!, 'alice', 'token revoked (a1, second)');
      ids.j3 = await killJob(server.queue, ids.a2!, 'alice', 'token revoked (a2)');
      ids.j4 = await killJob(server.queue, ids.b1!, 'bob', 'token revoked (b1)');
    });
    afterAll(async () => {
      await server.close();
      if (backend === 'redis') {
        const admin = new Redis(REDIS_URL);
        await deleteRedisPrefix(admin, prefix);
        admin.disconnect();
      }
    });

    const gauge = async (): Promise<number> => {
      const text = (await admin('GET', '/metrics')).body as string;
      return Number(/^tributary_dead_letters (\d+)$/m.exec(text)?.[1]);
    };

    describe(`dead letters over the API (${backend})`, () => {
      it('lists dead jobs with source, attempts and error; a user sees only their own, an admin all', async () => {
        const mine = await alice('GET', '/jobs/dead');
        expect(mine.status).toBe(200);
        expect(mine.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids.j1, ids.j2, ids.j3]);
        expect(mine.body.jobs[0]).toMatchObject({
          id: ids.j1,
          type: 'push:sync',
          source_id: ids.a1,
          source_name: 'a1',
          user_id: 'alice',
          attempts: 1,
          error: 'auth_invalid: token revoked (a1, first)',
        });
        expect((await bob('GET', '/jobs/dead')).body.jobs.map((j: { id: string }) => j.id)).toEqual([ids.j4]);
        expect((await admin('GET', '/jobs/dead')).body.jobs).toHaveLength(4);
        const bySource = await alice('GET', '/jobs/dead', { query: { source: 'a2' } });
        expect(bySource.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids.j3]);
        // Another user's source is not found, as everywhere.
        expect((await bob('GET', '/jobs/dead', { query: { source: ids.a1! } })).status).toBe(404);
        expect(await gauge()).toBe(4);
      });

      it("the source's status shows its last dead job", async () => {
        const status = await alice('GET', '/sources/{id}/status', { params: { id: ids.a1! } });
        expect(status.body.dead_letter).toEqual({
          count: 2,
          last_job_id: ids.j2,
          last_failed_at: expect.any(String),
          last_error: 'auth_invalid: token revoked (a1, second)',
        });
      });

      it("nobody retries or discards another user's dead job (404, nothing changes)", async () => {
        expect((await bob('POST', '/jobs/dead/{id}/retry', { params: { id: ids.j1! } })).status).toBe(404);
        expect((await bob('POST', '/jobs/dead/{id}/discard', { params: { id: ids.j1! } })).status).toBe(404);
        const all = await bob('POST', '/jobs/dead/discard', { body: { all: true } });
        expect(all.body).toMatchObject({ count: 1 });
        expect(all.body.jobs[0].id).toBe(ids.j4);
        expect((await admin('GET', '/jobs/dead')).body.jobs.map((j: { id: string }) => j.id)).toEqual([
          ids.j1,
          ids.j2,
          ids.j3,
        ]);
        expect(await gauge()).toBe(3);
      });

      it('retry puts one back in the queue with fresh attempts; discard deletes one; --all needs all: true', async () => {
        const retried = await alice('POST', '/jobs/dead/{id}/retry', { params: { id: ids.j1! } });
        expect(retried.status).toBe(200);
        expect(retried.body).toMatchObject({ id: ids.j1, source_id: ids.a1 });
        expect(await server.queue.getJob(ids.j1!)).toMatchObject({ attempts: 0 });
        const delivered = await server.queue.reserve('w');
        expect(delivered?.job.id).toBe(ids.j1);
        await server.queue.ack(delivered!);
        expect((await alice('POST', '/jobs/dead/{id}/retry', { params: { id: ids.j1! } })).status).toBe(404);

        expect((await alice('POST', '/jobs/dead/{id}/discard', { params: { id: ids.j2! } })).status).toBe(200);
        expect(await server.queue.getJob(ids.j2!)).toBeNull();
        expect((await alice('POST', '/jobs/dead/retry', { body: {} })).status).toBe(400);
        const rest = await alice('POST', '/jobs/dead/retry', { body: { all: true, source: 'a2' } });
        expect(rest.body).toMatchObject({ count: 1, jobs: [{ id: ids.j3 }] });
        expect((await admin('GET', '/jobs/dead')).body.jobs).toEqual([]);
        expect(await gauge()).toBe(0);
      });

      it('read-only tokens may list but not act', async () => {
        const ro = createClient(
          server.url,
          (await admin('POST', '/users/{id}/tokens', { params: { id: 'alice' }, body: { read_only: true } })).body
            .token,
        );
        expect((await ro('GET', '/jobs/dead')).status).toBe(200);
        expect((await ro('POST', '/jobs/dead/retry', { body: { all: true } })).status).toBe(403);
      });
    });
  });
