import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, makeItems, repoRoot } from './test-support/server.js';

// `tributary serve` as a real process, killed with SIGKILL between batches: everything acknowledged survives and
// the exporter resumes from last_sync_position.
const TOTAL = 10_000;
const BATCH = 500;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `tributary serve --port 0` and resolves with its URL once it prints it. */
function serve(): Promise<{ child: ChildProcess; url: string }> {
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
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${out}\n${err}`)));
  });
}

const batch = (offset: number) => ({ items: makeItems('ex', offset, BATCH), checkpoint: { offset: offset + BATCH } });

describe('crash of the server process between batches', () => {
  it('loses nothing acknowledged; the exporter resumes from last_sync_position', async () => {
    const first = await serve();
    const tokenFile = path.join(dataDir, 'api-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    let call = createClient(first.url, token);
    const sourceId = (await call('POST', '/sources', { body: { source_type: 'push', name: 'exporter' } })).body
      .id as string;

    let acknowledged = 0;
    for (let offset = 0; offset < 3000; offset += BATCH) {
      const res = await call('POST', '/sources/{id}/ingest', { params: { id: sourceId }, body: batch(offset) });
      expect(res.status).toBe(200);
      acknowledged = offset + BATCH;
    }
    // One more batch in flight when the process dies: it may or may not have committed, but it was never acknowledged.
    const inFlight = call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: batch(acknowledged),
    }).catch(() => 'lost');
    // Listen before killing: the exit can be reported before the in-flight request's failure, and a listener
    // added after it would wait for ever (this test timed out in CI that way).
    const firstExited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await inFlight;
    await firstExited;

    const second = await serve();
    call = createClient(second.url, token);
    const source = (await call('GET', '/sources/{id}', { params: { id: sourceId } })).body;
    const resumeAt = source.last_sync_position.offset as number;
    expect([acknowledged, acknowledged + BATCH]).toContain(resumeAt);
    const stats = (await call('GET', '/sources/{id}/stats', { params: { id: sourceId } })).body;
    expect(stats.memories).toBe(resumeAt); // everything up to the checkpoint, nothing half-written
    // Every acknowledged item is there, readable by its content.
    expect((await call('GET', '/search', { query: { q: '"Message 2999"' } })).body.hits.length).toBeGreaterThan(0);

    // Re-sending the last acknowledged batch is a no-op; then the exporter finishes from its checkpoint.
    const again = await call('POST', '/sources/{id}/ingest', {
      params: { id: sourceId },
      body: batch(acknowledged - BATCH),
    });
    expect(again.body.memories_created).toBe(0);
    for (let offset = resumeAt; offset < TOTAL; offset += BATCH) {
      const res = await call('POST', '/sources/{id}/ingest', { params: { id: sourceId }, body: batch(offset) });
      expect(res.body.memories_created).toBe(BATCH);
    }
    const final = (await call('GET', '/sources/{id}/stats', { params: { id: sourceId } })).body;
    expect(final.memories).toBe(TOTAL);
    expect((await call('GET', '/sources/{id}', { params: { id: sourceId } })).body.last_sync_position).toEqual({
      offset: TOTAL,
    });
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 120_000);
});
