import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, createSqliteStore, type EngineWithStore } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { builtinConnectors } from '@tributary/connectors';
import { issueToken } from '../../auth/tokens.js';
import { startServer, type RunningServer } from '../server.js';
import { repoRoot } from '../test-support/server.js';
import { createDashboardState, loginLink, type DashboardState } from './state.js';

const vault = path.join(repoRoot, '..', 'shared', 'testdata', 'obsidian', 'dataview-test-vault');
let dir: string;
let engine: EngineWithStore;
let server: RunningServer;
let state: DashboardState;
let adminToken: string;
let bobToken: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-dash-'));
  const staticDir = path.join(dir, 'www');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>T</title><div id="app"></div>');
  writeFileSync(path.join(staticDir, 'assets', 'app-1.js'), 'console.log(1)');
  state = createDashboardState({ loginLinks: true, staticDir });
  const store = createSqliteStore({ path: path.join(dir, 'db', 'tributary.db') });
  await store.migrate();
  engine = createEngine({ store, connectors: builtinConnectors, onEvent: state.progress.onEvent });
  adminToken = (await issueToken(store, { userId: LOCAL_USER_ID, name: 'admin' })).token;
  await store.createUser({ id: 'bob', name: 'Bob', isAdmin: false });
  bobToken = (await issueToken(store, { userId: 'bob', name: 'bob' })).token;
  server = await startServer({ engine, port: 0, dashboard: state, limits: { rateLimit: false } });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A browser's session in miniature: the cookie and CSRF token it got at sign-in. */
async function signIn(body: Record<string, string>) {
  const res = await fetch(`${server.url}/api/v1/dashboard/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify(body),
  });
  const setCookie = res.headers.getSetCookie().join('\n');
  const json = (await res.json()) as Record<string, any>;
  const cookie = /tributary_session=([^;]+)/.exec(setCookie)?.[0] ?? '';
  const call = (method: string, p: string, init: { body?: unknown; csrf?: string | null; origin?: string } = {}) =>
    fetch(`${server.url}/api/v1${p}`, {
      method,
      headers: {
        cookie,
        origin: init.origin ?? server.url,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.csrf === null ? {} : { 'x-csrf-token': init.csrf ?? json.csrf_token }),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  return { res, setCookie, json, cookie, call };
}

describe('dashboard sessions', () => {
  it('signs in with a token: HttpOnly SameSite=Strict cookie, the token never echoed, CSRF on writes', async () => {
    const s = await signIn({ token: adminToken });
    expect(s.res.status).toBe(200);
    expect(s.setCookie).toMatch(/HttpOnly/);
    expect(s.setCookie).toMatch(/SameSite=Strict/);
    expect(s.setCookie).toMatch(/Path=\//);
    expect(JSON.stringify(s.json)).not.toContain(adminToken);
    expect(s.setCookie).not.toContain(adminToken);
    expect(s.json.user).toMatchObject({ id: LOCAL_USER_ID, is_admin: true });

    expect((await s.call('GET', '/sources', { csrf: null })).status).toBe(200);
    const body = { source_type: 'synthetic', name: 'csrf-check', config: { count: 1 } };
    const noCsrf = await s.call('POST', '/sources', { body, csrf: null });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as any).error.issues[0].path).toBe('header.x-csrf-token');
    expect((await s.call('POST', '/sources', { body, csrf: 'wrong' })).status).toBe(403);
    expect((await s.call('POST', '/sources', { body, origin: 'http://127.0.0.1:1' })).status).toBe(403);
    expect((await engine.sources.list()).some((x) => x.name === 'csrf-check')).toBe(false);
    const ok = await s.call('POST', '/sources', { body });
    expect(ok.status).toBe(201);
    await engine.sources.remove(((await ok.json()) as any).id);
  });

  it('refuses a bad token with the field, and a sign-in posted from another site', async () => {
    const bad = await signIn({ token: 'trib_nope' });
    expect(bad.res.status).toBe(401);
    expect(bad.json.error.issues[0].path).toBe('token');
    expect(bad.setCookie).toBe('');
    const res = await fetch(`${server.url}/api/v1/dashboard/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:9' },
      body: JSON.stringify({ token: adminToken }),
    });
    expect(res.status).toBe(403);
    expect((await signIn({})).res.status).toBe(400);
  });

  it('a one-time link signs in once; sign-out ends the session and revokes its own token', async () => {
    const link = loginLink(state, server.url, LOCAL_USER_ID);
    const code = new URL(link).hash.replace('#code=', '');
    expect(new URL(link).pathname).toBe('/login');
    const s = await signIn({ code });
    expect(s.res.status).toBe(200);
    expect((await signIn({ code })).res.status).toBe(401);
    const before = (await engine.store.listTokens(LOCAL_USER_ID)).filter((t) => !t.revokedAt).length;
    expect((await s.call('GET', '/dashboard/session', { csrf: null })).status).toBe(200);
    expect((await s.call('DELETE', '/dashboard/session', { csrf: null })).status).toBe(403);
    const out = await s.call('DELETE', '/dashboard/session');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/tributary_session=;/);
    expect((await s.call('GET', '/sources', { csrf: null })).status).toBe(401);
    expect((await engine.store.listTokens(LOCAL_USER_ID)).filter((t) => !t.revokedAt).length).toBe(before - 1);
  });
});

describe('dashboard routes', () => {
  it('a draft is saved paused, then checked; a bad value is a 400 on the field and saves nothing', async () => {
    const s = await signIn({ token: adminToken });
    const bad = await s.call('POST', '/dashboard/drafts', {
      body: { source_type: 'obsidian', name: 'notes', config: { vaultPath: vault, pageSize: 5000 } },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.issues.map((i: any) => i.path)).toContain('config.pageSize');
    expect(await engine.sources.list()).toHaveLength(0);
    const res = await s.call('POST', '/dashboard/drafts', {
      body: { source_type: 'obsidian', name: 'notes', config: { vaultPath: vault } },
    });
    expect(res.status).toBe(201);
    const draft = (await res.json()) as any;
    expect(draft.source.status).toBe('paused');
    const found = (await (await s.call('GET', `/sources/${draft.source.id}/discover`)).json()) as any;
    expect(found.supported).toBe(true);
    expect(found.resources.map((r: any) => r.name)).toContain('books');
    const check = (await (await s.call('GET', `/sources/${draft.source.id}/health`, { csrf: null })).json()) as any;
    expect(check).toMatchObject({ ok: true, message: expect.stringMatching(/22 notes/) });
    // Bob cannot see, check or discover it.
    const bob = await signIn({ token: bobToken });
    expect((await bob.call('GET', `/sources/${draft.source.id}/discover`)).status).toBe(404);
    expect((await bob.call('GET', `/sources/${draft.source.id}/health`)).status).toBe(404);
    await engine.sources.remove(draft.source.id);
  });

  it('streams live progress of your syncs only, ending with the finished run; the overview counts', async () => {
    const s = await signIn({ token: adminToken });
    const bob = await signIn({ token: bobToken });
    const src = await engine.sources.add({
      connector: 'synthetic',
      name: 'gen',
      config: { count: 600, pageSize: 100 },
    });
    /** Opens the stream and waits for its `: connected` line: from then on every event of ours reaches it. */
    const open = async (who: typeof s) => {
      const res = await who.call('GET', '/dashboard/events', { csrf: null });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain(': connected');
      return reader;
    };
    const read = async (
      reader: ReadableStreamDefaultReader<Uint8Array>,
      until: (events: Array<{ event: string; data: any }>) => boolean,
      stop?: Promise<unknown>,
    ) => {
      const events: Array<{ event: string; data: any }> = [];
      let buf = '';
      const timer = setTimeout(() => void reader.cancel(), 20_000);
      void stop?.then(() => reader.cancel());
      while (!until(events)) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += new TextDecoder().decode(value);
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
      clearTimeout(timer);
      await reader.cancel();
      return events;
    };
    const [myStream, bobStream] = await Promise.all([open(s), open(bob)]);
    const mine = read(myStream, (e) => e.some((x) => x.event === 'finished'));
    const bobs = read(bobStream, () => false, mine);
    const started = await s.call('POST', `/dashboard/sources/${src.id}/sync`);
    expect(started.status).toBe(202);
    const events = await mine;
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ source_id: src.id, total: 600 });
    const finished = events.find((e) => e.event === 'finished')!.data;
    expect(finished.run).toMatchObject({ source_id: src.id, status: 'succeeded', created: 600 });
    expect(await bobs).toEqual([]);
    const overview = (await (await s.call('GET', '/dashboard/sources')).json()) as any;
    expect(overview.sources).toHaveLength(1);
    expect(overview.sources[0]).toMatchObject({ id: src.id, memories: 600, live: null, connector_title: 'Synthetic' });
    expect(overview.sources[0].last_run.created).toBe(600);
    expect(((await (await bob.call('GET', '/dashboard/sources')).json()) as any).sources).toEqual([]);
  });

  it('previews the next three times of a schedule; a bad cron is a 400 on cron', async () => {
    const s = await signIn({ token: adminToken });
    const res = (await (await s.call('GET', '/dashboard/schedule?cron=0%209%20*%20*%201-5')).json()) as any;
    expect(res.next).toHaveLength(3);
    for (const t of res.next) expect(new Date(t).getUTCHours()).toBe(9);
    const every = (await (await s.call('GET', '/dashboard/schedule?interval_minutes=30')).json()) as any;
    expect(Date.parse(every.next[1]) - Date.parse(every.next[0])).toBe(30 * 60_000);
    const bad = await s.call('GET', '/dashboard/schedule?cron=nope');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.issues[0].path).toBe('cron');
  });

  it('serves the built files by exact name and the page for client routes, never shadowing the API', async () => {
    const page = await fetch(`${server.url}/sources/abc`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const asset = await fetch(`${server.url}/assets/app-1.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${server.url}/assets/old.js`)).status).toBe(404);
    const escape = await fetch(`${server.url}/assets/..%2f..%2fdb%2ftributary.db`);
    expect(escape.status).toBe(404);
    const api = await fetch(`${server.url}/api/v1/nothing-here`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toMatch(/json/);
  });
});

describe('search modes and disabled connectors for the dashboard', () => {
  it('without an embedder: keyword by default, semantic/hybrid unavailable and why', async () => {
    const s = await signIn({ token: bobToken });
    const res = await s.call('GET', '/dashboard/search-modes');
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ default_mode: 'keyword', vectors: false, embedding: null });
    expect(body.reason).toMatch(/No embedder is configured/);
  });

  it("the overview says 'connector disabled' for a disabled connector's sources, only while it is disabled", async () => {
    const s = await signIn({ token: bobToken });
    const created = await s.call('POST', '/sources', { body: { source_type: 'synthetic', name: 'gen-off' } });
    expect(created.status).toBe(201);
    const reason = async () =>
      ((await (await s.call('GET', '/dashboard/sources')).json()) as any).sources.find(
        (r: { name: string }) => r.name === 'gen-off',
      ).status_reason;
    expect(await reason()).toBeNull();
    await engine.connectors.registry.setEnabled('synthetic', false);
    try {
      expect(await reason()).toBe('connector disabled');
    } finally {
      await engine.connectors.registry.setEnabled('synthetic', true);
    }
    expect(await reason()).toBeNull();
  });
});
