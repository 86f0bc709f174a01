import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  makeItems,
  repoRoot,
  startTestServer,
  type Client,
  type TestServer,
} from './test-support/server.js';

// The seed's ingestion contract (SEED-CONTRACTS §A) as an exporter codes against it: `checkpoint?: string`,
// `IngestResponse.checkpoint: string`, `POST /sources/register`, `GET /sources/{id}/status`.

/** A Slack-style cursor: the `ts` of the last message of a batch. */
const ts = (n: number) => `${1714557600 + n}.000100`;

describe('seed ingest contract (in process, real SQLite)', () => {
  let server: TestServer;
  let call: Client;
  beforeAll(async () => {
    server = await startTestServer();
    call = createClient(server.url, server.adminToken);
  });
  afterAll(async () => server.close());

  it('register answers as POST /sources; a string checkpoint round-trips as a string everywhere', async () => {
    const registered = await call('POST', '/sources/register', {
      body: { source_type: 'push', name: 'Work Slack', config: { sourceType: 'slack' } },
    });
    expect(registered.status).toBe(201);
    const created = await call('POST', '/sources', { body: { source_type: 'push', name: 'Other Slack' } });
    expect(Object.keys(registered.body).sort()).toEqual(Object.keys(created.body).sort());
    expect(registered.body).toMatchObject({ name: 'Work Slack', source_type: 'push', last_sync_position: null });
    const id = registered.body.id as string;

    const res = await call('POST', '/sources/{id}/ingest', {
      params: { id },
      body: { items: makeItems('s', 0, 10), checkpoint: '1714557600.000100' },
    });
    expect(res.status).toBe(200);
    // The seed's four fields, exactly, plus ours.
    expect(res.body).toEqual({
      processed: 10,
      memories_created: 10,
      duplicates_skipped: 0,
      checkpoint: '1714557600.000100',
      memories_updated: 0,
      memories_deleted: 0,
    });
    expect((await call('GET', '/sources/{id}', { params: { id } })).body.last_sync_position).toBe('1714557600.000100');

    // Re-sent: duplicates, and the checkpoint still a string.
    const again = await call('POST', '/sources/{id}/ingest', {
      params: { id },
      body: { items: makeItems('s', 0, 10), checkpoint: '1714557600.000100' },
    });
    expect(again.body).toMatchObject({ processed: 10, memories_created: 0, duplicates_skipped: 10 });
    expect(again.body.checkpoint).toBe('1714557600.000100');

    // Without a checkpoint the stored one stays; any other JSON value is kept as given, "" and 0 included.
    const none = await call('POST', '/sources/{id}/ingest', { params: { id }, body: { items: [] } });
    expect(none.body.checkpoint).toBe('1714557600.000100');
    for (const value of [{ ts: '1.2', channel: 'C1' }, 42, '', 0, ['C1', '1.2'], true]) {
      const r = await call('POST', '/sources/{id}/ingest', { params: { id }, body: { items: [], checkpoint: value } });
      expect(r.status).toBe(200);
      expect(r.body.checkpoint).toEqual(value);
      expect((await call('GET', '/sources/{id}', { params: { id } })).body.last_sync_position).toEqual(value);
    }
  });

  it('a checkpoint over 64 KiB is a 400 that stores nothing; pulled sources still refuse pushes (409)', async () => {
    const id = (await call('POST', '/sources', { body: { source_type: 'push', name: 'big' } })).body.id as string;
    await call('POST', '/sources/{id}/ingest', { params: { id }, body: { items: [], checkpoint: 'small' } });
    const big = await call('POST', '/sources/{id}/ingest', {
      params: { id },
      body: { items: makeItems('b', 0, 3), checkpoint: 'x'.repeat(70_000) },
    });
    expect(big.status).toBe(400);
    expect(big.body.error).toMatchObject({ code: 'invalid_input' });
    expect(big.body.error.issues[0]).toMatchObject({
      path: 'checkpoint',
      message: expect.stringMatching(/at most 65536/),
    });
    expect((await call('GET', '/sources/{id}', { params: { id } })).body.last_sync_position).toBe('small');
    expect((await call('GET', '/sources/{id}/stats', { params: { id } })).body.memories).toBe(0);

    const pulled = await call('POST', '/sources', {
      body: { source_type: 'synthetic', name: 'pulled', config: { count: 3 } },
    });
    const refused = await call('POST', '/sources/{id}/ingest', {
      params: { id: pulled.body.id },
      body: { items: makeItems('p', 0, 1), checkpoint: '1' },
    });
    expect(refused.status).toBe(409);
  });

  it('status: position, error, last run, manual schedule, next sync, backoff', async () => {
    const id = (await call('POST', '/sources/register', { body: { source_type: 'push', name: 'status-push' } })).body
      .id as string;
    await call('POST', '/sources/{id}/ingest', {
      params: { id },
      body: { items: makeItems('t', 0, 2), checkpoint: ts(2) },
    });
    const status = await call('GET', '/sources/{id}/status', { params: { id } });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      id,
      name: 'status-push',
      status: 'active',
      error_message: null,
      last_sync_position: ts(2),
      running: null,
      last_run: { mode: 'push', status: 'succeeded', created: 2 },
      schedule: null,
      schedule_from: 'none',
      schedule_status: 'manual',
      next_sync_at: null,
      backoff: { consecutive_failures: 0, until: null },
      dead_letter: null,
    });
    expect(status.body.last_sync_at).toEqual(expect.any(String));

    const scheduled = await call('POST', '/sources', {
      body: { source_type: 'synthetic', name: 'every-5', config: { count: 3 }, schedule: { interval_minutes: 5 } },
    });
    const s2 = await call('GET', '/sources/{id}/status', { params: { id: scheduled.body.id } });
    // Never ran: due at once (its first backfill).
    expect(s2.body).toMatchObject({
      schedule: { interval_minutes: 5 },
      schedule_from: 'source',
      schedule_status: 'due',
    });
    expect(Date.parse(s2.body.next_sync_at)).toBeLessThanOrEqual(Date.now());
    expect((await call('GET', '/sources/{id}/status', { params: { id: 'nope' } })).status).toBe(404);
  });
});

describe('an exporter that crashes resumes from the string checkpoint it sent (real `serve`, SIGKILL)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-seed-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const serve = (): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        path.join(repoRoot, 'packages/app/src/cli/main.ts'),
        'serve',
        '--data-dir',
        dataDir,
        '--port',
        '0',
      ],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: dataDir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    // Listened for from the start: a killed child may exit before the test awaits it.
    const exited = new Promise((r) => child.once('exit', r));
    child.stderr!.resume();
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
        if (m) resolve({ child, url: m[1]!, exited });
      });
      child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${out}`)));
    });
  };

  it('every acknowledged batch survives; the exporter parses its own string and goes on from there', async () => {
    const BATCH = 100;
    // The exporter's cursor is the ts of the last message sent; it parses its own format back.
    const batch = (from: number) => ({ items: makeItems('ts', from, BATCH), checkpoint: ts(from + BATCH) });
    const first = await serve();
    const token = readFileSync(path.join(dataDir, 'api-token'), 'utf8').trim();
    let call = createClient(first.url, token);
    const id = (await call('POST', '/sources/register', { body: { source_type: 'push', name: 'exporter' } })).body
      .id as string;
    let acknowledged = 0;
    for (let from = 0; from < 500; from += BATCH) {
      const res = await call('POST', '/sources/{id}/ingest', { params: { id }, body: batch(from) });
      expect(res.body.checkpoint).toBe(ts(from + BATCH));
      acknowledged = from + BATCH;
    }
    const inFlight = call('POST', '/sources/{id}/ingest', { params: { id }, body: batch(acknowledged) }).catch(
      () => 'lost',
    );
    first.child.kill('SIGKILL');
    await inFlight;
    await first.exited;

    const second = await serve();
    call = createClient(second.url, token);
    const position = (await call('GET', '/sources/{id}/status', { params: { id } })).body.last_sync_position;
    expect(typeof position).toBe('string');
    const resumeAt = Number((position as string).split('.')[0]) - 1714557600;
    expect([acknowledged, acknowledged + BATCH]).toContain(resumeAt);
    expect((await call('GET', '/sources/{id}/stats', { params: { id } })).body.memories).toBe(resumeAt);
    for (let from = resumeAt; from < 1000; from += BATCH) {
      const res = await call('POST', '/sources/{id}/ingest', { params: { id }, body: batch(from) });
      expect(res.body).toMatchObject({ memories_created: BATCH, duplicates_skipped: 0, checkpoint: ts(from + BATCH) });
    }
    expect((await call('GET', '/sources/{id}/stats', { params: { id } })).body.memories).toBe(1000);
    expect((await call('GET', '/sources/{id}', { params: { id } })).body.last_sync_position).toBe(ts(1000));
    second.child.kill('SIGTERM');
    await second.exited;
  }, 120_000);
});
