import { appendFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toPathTemplate } from './map.js';
import { readPass } from './test-support/run.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-logs-read-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clf = (min: number, sec: number, method: string, target: string, status: number, ms?: number): string =>
  `203.0.113.9 - - [21/Nov/2026:10:${String(min).padStart(2, '0')}:${String(sec).padStart(2, '0')} +0000] "${method} ${target} HTTP/1.1" ${status} 512 "-" "k6/0.5"${ms === undefined ? '' : ` ${(ms / 1000).toFixed(3)}`}\n`;

describe('toPathTemplate', () => {
  it('drops the query and replaces ids', () => {
    expect(toPathTemplate('/api/users/42/orders?page=2')).toBe('/api/users/:id/orders');
    expect(toPathTemplate('/files/3f2504e0-4f89-11d3-9a0c-0305e82c3301/raw')).toBe('/files/:id/raw');
    expect(toPathTemplate('/commit/9fceb02d0ae598e95dc970b74767f19372d61af8')).toBe('/commit/:id');
    expect(toPathTemplate('/static/app.css')).toBe('/static/app.css');
    expect(toPathTemplate('/')).toBe('/');
  });
});

describe('logs read', () => {
  it('counts and reports malformed lines, and keeps reading', async () => {
    const file = path.join(dir, 'access.log');
    writeFileSync(
      file,
      clf(0, 1, 'GET', '/a', 200) + 'garbage that is not a request\n' + clf(0, 2, 'GET', '/b', 404) + '\n',
    );
    const r = await readPass({ paths: [file] });
    expect(r.items.map((i) => i.title)).toEqual(['GET /a → 200', 'GET /b → 404']);
    expect(r.errors).toHaveLength(2); // the garbage line and the empty line
    expect(r.files[0]!.malformed).toBe(2);
  });

  it('leaves a last line without newline for the next pass while the file is fresh, reads it once quiet', async () => {
    const file = path.join(dir, 'access.log');
    const full = clf(0, 1, 'GET', '/x', 200);
    writeFileSync(file, full + full.slice(0, 30));
    const now = Date.now();
    const mtime = new Date(now);
    utimesSync(file, mtime, mtime);
    const first = await readPass({ paths: [file] }, undefined, { now });
    expect(first.items).toHaveLength(1);
    expect(first.files[0]!.offset).toBe(Buffer.byteLength(full));
    // the writer finishes the line: read exactly once
    appendFileSync(file, full.slice(30).replace('/x', '/x'));
    const second = await readPass({ paths: [file] }, first.checkpoint, { now });
    expect(second.items.map((i) => i.title)).toEqual(['GET /x → 200']);
    // an unterminated tail of a file quiet for longer than the grace period is read
    appendFileSync(file, clf(0, 3, 'PUT', '/y', 204).trimEnd());
    const quiet = now + 120_000;
    const third = await readPass({ paths: [file] }, second.checkpoint, { now: quiet });
    expect(third.items.map((i) => i.title)).toEqual(['PUT /y → 204']);
  });

  it('aggregate: one item per method + path template + window; the open window is re-read and updated', async () => {
    const file = path.join(dir, 'access.log');
    writeFileSync(
      file,
      clf(0, 10, 'GET', '/users/1', 200, 10) +
        clf(1, 0, 'GET', '/users/2?x=1', 500, 30) +
        clf(2, 0, 'POST', '/users', 201, 5) +
        clf(6, 0, 'GET', '/users/3', 200, 20),
    );
    const opts = { features: { aggregate: true } };
    const first = await readPass({ paths: [file], aggregateWindowMinutes: 5 }, undefined, opts);
    const byTitle = Object.fromEntries(first.items.map((i) => [i.title!.replace(/ \(.*$/, ''), i]));
    expect(Object.keys(byTitle).sort()).toEqual(['GET /users/:id ×1', 'GET /users/:id ×2', 'POST /users ×1']);
    expect(byTitle['GET /users/:id ×2']!.metadata).toMatchObject({
      count: 2,
      statuses: { '2xx': 1, '5xx': 1 },
      latencyAvgMs: 20,
      latencyMaxMs: 30,
      windowStart: '2026-11-21T10:00:00.000Z',
    });
    const openWindow = byTitle['GET /users/:id ×1']!;
    expect(openWindow.metadata).toMatchObject({ windowStart: '2026-11-21T10:05:00.000Z' });

    appendFileSync(file, clf(7, 0, 'GET', '/users/4', 200, 40) + clf(11, 0, 'GET', '/health', 200, 1));
    const second = await readPass({ paths: [file], aggregateWindowMinutes: 5 }, first.checkpoint, opts);
    const updated = second.items.find((i) => i.externalId === openWindow.externalId);
    expect(updated?.metadata).toMatchObject({ count: 2, latencyAvgMs: 30 });
    expect(second.items.map((i) => i.title!.replace(/ \(.*$/, '')).sort()).toEqual([
      'GET /health ×1',
      'GET /users/:id ×2',
    ]);
  });

  it('reads Caddy JSON access logs', async () => {
    const file = path.join(dir, 'caddy.log');
    const entry = {
      level: 'info',
      ts: 1763719200.5,
      logger: 'http.log.access.log0',
      msg: 'handled request',
      request: {
        remote_ip: '198.51.100.7',
        remote_port: '53422',
        proto: 'HTTP/2.0',
        method: 'GET',
        host: 'example.com',
        uri: '/docs/?q=1',
        headers: { 'User-Agent': ['Mozilla/5.0 (X11)'] },
      },
      duration: 0.0123,
      size: 2048,
      status: 200,
      resp_headers: {},
    };
    writeFileSync(file, JSON.stringify(entry) + '\n');
    const r = await readPass({ paths: [path.join(dir, '*.log')] });
    expect(r.files[0]!.format).toBe('json');
    expect(r.items[0]!.occurredAt).toBe('2025-11-21T10:00:00.500Z');
    expect(r.items[0]!.metadata).toMatchObject({
      method: 'GET',
      path: '/docs/?q=1',
      status: 200,
      latencyMs: 12.3,
      client: '198.51.100.7',
      userAgent: 'Mozilla/5.0 (X11)',
      host: 'example.com',
    });
  });
});
