import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli } from '../../cli/test-support/spawn-cli.js';

/*
 * `tributary up` (scheduler, worker, syncs in worker threads): the one-time link it prints signs in once, and the
 * dashboard's live stream carries the progress of a sync that runs in a worker thread.
 */
let tmp: string;
let child: ChildProcess;
let url: string;
let link: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-up-link-'));
  child = startCli(['up', '--port', '0', '--interval-ms', '60000'], {
    TRIBUTARY_HOME: path.join(tmp, 'home'),
    HOME: tmp,
  });
  [url = '', link = ''] = await new Promise<string[]>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const api = /API\s+(http:\/\/\S+)\/api\/v1/.exec(out)?.[1];
      const dash = /Dashboard\s+(\S+)\s+\(one-time sign-in link\)/.exec(out)?.[1];
      if (api && dash) resolve([api, dash]);
    });
    child.once('exit', (code) => reject(new Error(`up exited (${code}): ${out}`)));
  });
}, 90_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  // Already gone (an exit code, or a signal: then exitCode is null and signalCode set), or wait for its exit.
  await new Promise((r) =>
    !child || child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r),
  );
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

it('the link `up` prints signs in once; a sync in a worker thread streams its progress to the session', async () => {
  const target = new URL(link);
  expect(target.origin).toBe(url);
  expect(target.pathname).toBe('/login');
  const code = new URLSearchParams(target.hash.slice(1)).get('code')!;
  const signIn = () =>
    fetch(`${url}/api/v1/dashboard/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({ code }),
    });
  const res = await signIn();
  expect(res.status).toBe(200);
  const { csrf_token: csrf, user } = (await res.json()) as { csrf_token: string; user: { id: string } };
  expect(user.id).toBe('local');
  const cookie = /tributary_session=[^;]+/.exec(res.headers.getSetCookie().join())![0];
  expect((await signIn()).status).toBe(401);

  const call = (method: string, p: string, body?: unknown) =>
    fetch(`${url}/api/v1${p}`, {
      method,
      headers: { cookie, origin: url, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const created = (await (
    await call('POST', '/sources', { source_type: 'synthetic', name: 'threads', config: { count: 300, pageSize: 50 } })
  ).json()) as { id: string };

  const stream = await call('GET', '/dashboard/events');
  const reader = stream.body!.getReader();
  // The stream's first line comes once the subscription exists.
  expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected');
  const sync = await call('POST', `/dashboard/sources/${created.id}/sync`);
  expect(sync.status).toBe(202);
  const events: Array<{ event: string; data: any }> = [];
  let buf = '';
  while (!events.some((e) => e.event === 'finished')) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
    for (let at = buf.indexOf('\n\n'); at >= 0; at = buf.indexOf('\n\n')) {
      const block = buf.slice(0, at);
      buf = buf.slice(at + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
  expect(progress.at(-1)).toMatchObject({ source_id: created.id, total: 300, items_seen: 300 });
  expect(events.find((e) => e.event === 'finished')!.data.run).toMatchObject({ status: 'succeeded', created: 300 });
});
