import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, makeItems, startTestServer, type Client, type TestServer } from './test-support/server.js';

const TOTAL = 10_000;
const BATCH = 500;

let server: TestServer;
let call: Client;
let sourceId: string;

beforeAll(async () => {
  server = await startTestServer();
  call = createClient(server.url, server.adminToken);
  sourceId = (await call('POST', '/sources', { body: { source_type: 'push', name: 'bulk' } })).body.id;
});
afterAll(async () => server.close());

const batch = (n: number) => ({ items: makeItems('bulk', n * BATCH, BATCH), checkpoint: { offset: (n + 1) * BATCH } });

describe('push ingestion at volume', () => {
  it(`takes ${TOTAL} items in batches of ${BATCH}, each with its checkpoint`, async () => {
    let created = 0;
    for (let n = 0; n < TOTAL / BATCH; n++) {
      const res = await call('POST', '/sources/{id}/ingest', { params: { id: sourceId }, body: batch(n) });
      expect(res.status).toBe(200);
      expect(res.body.checkpoint).toEqual({ offset: (n + 1) * BATCH });
      created += res.body.memories_created;
    }
    expect(created).toBe(TOTAL);
    const source = await call('GET', '/sources/{id}', { params: { id: sourceId } });
    expect(source.body.last_sync_position).toEqual({ offset: TOTAL });
    expect((await call('GET', '/sources/{id}/stats', { params: { id: sourceId } })).body.memories).toBe(TOTAL);
  }, 120_000);

  it('treats every re-sent batch as a no-op (0 created, all skipped as duplicates)', async () => {
    for (let n = 0; n < TOTAL / BATCH; n++) {
      const res = await call('POST', '/sources/{id}/ingest', { params: { id: sourceId }, body: batch(n) });
      expect({
        n,
        created: res.body.memories_created,
        updated: res.body.memories_updated,
        skipped: res.body.duplicates_skipped,
      }).toEqual({
        n,
        created: 0,
        updated: 0,
        skipped: BATCH,
      });
    }
    expect((await call('GET', '/sources/{id}/stats', { params: { id: sourceId } })).body).toMatchObject({
      memories: TOTAL,
      versions: 0,
    });
  }, 120_000);
});
