import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore, createVault, loadKeyring } from '@tributary/engine';
import {
  startOidcServer,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestOidcServer,
} from '@tributary/engine/oauth/test-support/oidc-server';
import { TestBrowser } from './api/test-support/oauth-browser.js';
import { finished, runCli, startCli, type CliResult } from './cli/test-support/spawn-cli.js';

// Issue acceptance: secrets never appear in logs, API responses, errors, exports, metrics or `sources show`. A real
// data dir, real CLI processes, a real `tributary serve`, a real OAuth server; every output is collected and grepped.
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const BOT_TOKEN = secret('ghp_bottoken');
/** The secret part of a calendar's "secret address" (a secret config field of the ics connector). */
const ICS_KEY = secret('private-ics-key');
const WEBHOOK_SECRET = secret('webhook-secret');

let idp: TestOidcServer;
let upstream: Server;
let tmp: string;
let dataDir: string;
let env: Record<string, string>;
let serve: ChildProcess;
let serveResult: Promise<CliResult>;
let apiUrl: string;
let adminToken: string;
/** Everything a user, an operator or a log shipper could see, by where it came from. */
const seen: Array<{ where: string; text: string }> = [];
const oauthSecrets: string[] = [];

async function cli(...args: string[]): Promise<CliResult> {
  const r = await runCli(args, env);
  seen.push({ where: `tributary ${args.join(' ')} (stdout)`, text: r.stdout });
  seen.push({ where: `tributary ${args.join(' ')} (stderr)`, text: r.stderr });
  return r;
}

async function api(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${apiUrl}/api/v1${p}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const head: Array<[string, string]> = [];
  res.headers.forEach((value, name) => head.push([name, value]));
  seen.push({ where: `${method} ${p} → ${res.status}`, text: `${JSON.stringify(head)}\n${text}` });
  return { status: res.status, text, json: () => JSON.parse(text) as any };
}

/** Resolves with the first match of `re` in the child's stdout. */
function waitFor(child: ChildProcess, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer | string) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing ${re}: ${buf}`)));
  });
}

beforeAll(async () => {
  idp = await startOidcServer({ loopbackRedirectPaths: ['/api/v1/oauth/testidp/callback'] });
  // A GitHub API stand-in that refuses every token, as GitHub does a revoked one.
  upstream = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));

  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-secrets-'));
  dataDir = path.join(tmp, 'home');
  const { name: _name, ...provider } = idp.provider;
  env = {
    TRIBUTARY_HOME: dataDir,
    HOME: tmp,
    TRIBUTARY_OAUTH_PROVIDERS_JSON: JSON.stringify({ testidp: provider }),
    TESTIDP_CLIENT_ID: TEST_CLIENT_ID,
    TESTIDP_CLIENT_SECRET: TEST_CLIENT_SECRET,
    GH_TOKEN: BOT_TOKEN,
  };
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const gh = path.join(tmp, 'gh.json');
  writeFileSync(
    gh,
    JSON.stringify({
      repos: ['acme/widgets'],
      baseUrl: upstreamUrl,
      webhookSecret: WEBHOOK_SECRET,
    }),
  );
  const cal = path.join(tmp, 'cal.json');
  writeFileSync(cal, JSON.stringify({ url: `${upstreamUrl}/calendars/${ICS_KEY}/basic.ics` }));
  const synth = path.join(tmp, 'synth.json');
  writeFileSync(synth, JSON.stringify({ count: 5, pageSize: 2 }));
  // The first command creates the keyring file; the others then share it.
  expect(
    (
      await cli(
        'sources',
        'add',
        'github',
        '--name',
        'gh',
        '--config',
        `@${gh}`,
        '--credential-env',
        'GH_TOKEN',
        '--no-check',
      )
    ).code,
  ).toBe(0);
  const added = await Promise.all([
    cli('sources', 'add', 'ics', '--name', 'cal', '--config', `@${cal}`, '--no-check'),
    cli('sources', 'add', 'synthetic', '--name', 'oauthed', '--config', `@${synth}`, '--no-check'),
  ]);
  for (const r of added) expect(r.code, r.stderr).toBe(0);

  serve = startCli(['serve', '--port', '0'], env);
  serveResult = finished(serve);
  const [listening, token] = await Promise.all([
    waitFor(serve, /listening on (http:\/\/127\.0\.0\.1:\d+)/),
    waitFor(serve, /\n\s+(trib_\S+)/),
  ]);
  apiUrl = listening[1]!;
  adminToken = token[1]!;
}, 120_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) serve.kill('SIGTERM');
  await serveResult?.catch(() => undefined);
  await idp?.close();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

/** Plaintext values that must never show up anywhere. */
const credentialSecrets = () => [BOT_TOKEN, TEST_CLIENT_SECRET, ...oauthSecrets];

describe('secrets stay secret (CLI, API, logs, exports, metrics, database file)', () => {
  it('connects a source with OAuth through `tributary serve`', async () => {
    const browser = new TestBrowser();
    const start = await browser.fetch(`${apiUrl}/api/v1/oauth/testidp/start?source=oauthed&format=json`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const started = (await start.json()) as { url: string };
    const callback = await browser.followUntil(started.url, `${apiUrl}/api/v1/oauth/testidp/callback`);
    const done = await browser.fetch(callback, { headers: { accept: 'application/json' } });
    const text = await done.text();
    seen.push({ where: 'GET /oauth/testidp/callback', text });
    expect(done.status, text).toBe(200);

    const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
    try {
      const src = await store.getSourceByName('local', 'oauthed');
      const vault = createVault({ store, keyring: await loadKeyring({ env: {}, dataDir }) });
      const c = await vault.get(src!.id);
      if (c?.kind !== 'oauth2' || !c.refreshToken) throw new Error('no OAuth credential with a refresh token');
      oauthSecrets.push(c.accessToken, c.refreshToken);
    } finally {
      await store.close();
    }
  });

  it('syncs (two sources fail upstream, one succeeds) and collects every output', async () => {
    const synced = await cli('sync', '--all', '--json');
    expect(synced.code).not.toBe(0);
    const ids: Record<string, string> = {};
    for (const s of (await api('GET', '/sources')).json().sources) ids[s.name] = s.id;
    expect(Object.keys(ids).sort()).toEqual(['cal', 'gh', 'oauthed']);
    // Through the API as well: a failing sync, with its error, as a client sees it.
    const viaApi = await api('POST', `/sources/${ids.gh}/sync?wait=true`);
    expect(viaApi.text).toMatch(/401|credentials/i);

    await Promise.all([
      cli('sources', 'show', 'gh'),
      cli('sources', 'show', 'cal'),
      cli('sources', 'show', 'oauthed'),
      cli('sources', 'show', 'gh', '--json'),
      cli('sources', 'list', '--json'),
      cli('status'),
      cli('status', '--json'),
      cli('runs'),
      cli('runs', '--json'),
      cli('export', 'oauthed'),
      cli('export', 'gh'),
    ]);
    for (const id of Object.values(ids)) {
      await api('GET', `/sources/${id}`);
      await api('GET', `/sources/${id}/history`);
      await api('GET', `/sources/${id}/stats`);
    }
    await api('GET', '/metrics');
    // Bad requests that carry secrets: the errors must not echo them.
    await api('POST', '/sources', {
      source_type: 'github',
      name: 'x',
      config: { repos: 7, webhookSecret: WEBHOOK_SECRET },
    });
    await api('PATCH', `/sources/${ids.gh}`, { config: { repos: [], webhookSecret: WEBHOOK_SECRET } });
    await api('POST', '/sources', { source_type: 'ics', name: 'y', config: { url: `ftp://x/${ICS_KEY}` } });
    await api('GET', '/sources/nope');

    serve.kill('SIGTERM');
    const r = await serveResult;
    seen.push(
      { where: 'tributary serve (stdout)', text: r.stdout },
      { where: 'tributary serve (stderr)', text: r.stderr },
    );

    // The run errors did happen (so there was something to leak) …
    const runs = seen
      .filter((s) => s.where.startsWith('tributary runs --json'))
      .map((s) => s.text)
      .join('');
    expect(runs).toMatch(/"status": "failed"/);
    expect(seen.find((s) => s.where === 'tributary sources show gh (stdout)')?.text).toContain('acme/widgets');
  }, 120_000);

  it('no output contains a credential or a secret config value', () => {
    expect(oauthSecrets).toHaveLength(2);
    for (const value of [...credentialSecrets(), WEBHOOK_SECRET, ICS_KEY]) {
      const leaks = seen.filter((s) => s.text.includes(value)).map((s) => s.where);
      expect(leaks, `${value.slice(0, 12)}… leaked`).toEqual([]);
    }
    // Secret config fields sealed at rest are shown masked, never as their ciphertext.
    const shown = JSON.parse(seen.find((s) => s.where === 'tributary sources show gh --json (stdout)')!.text);
    expect(shown.config.webhookSecret).toBe('********');
    expect(seen.filter((s) => s.text.includes('$sealed')).map((s) => s.where)).toEqual([]);
  });

  it('the raw database file and its WAL hold no credential in plaintext', () => {
    const files = readdirSync(dataDir).filter((f) => f.startsWith('tributary.db'));
    expect(files).toContain('tributary.db');
    const bytes = Buffer.concat(files.map((f) => readFileSync(path.join(dataDir, f))));
    for (const value of credentialSecrets()) expect(bytes.includes(Buffer.from(value))).toBe(false);
  });

  // Secret config fields (`.meta({ secret: true })`) are sealed by the vault before the sources row is written.
  it('the raw database file and its WAL hold no secret config value in plaintext', async () => {
    const files = readdirSync(dataDir).filter((f) => f.startsWith('tributary.db'));
    expect(files).toContain('tributary.db');
    const bytes = Buffer.concat(files.map((f) => readFileSync(path.join(dataDir, f))));
    for (const value of [WEBHOOK_SECRET, ICS_KEY]) expect(bytes.includes(Buffer.from(value))).toBe(false);
    // … and yet they are there, sealed: the vault opens them back to the values that were configured.
    const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
    try {
      const vault = createVault({ store, keyring: await loadKeyring({ env: {}, dataDir }) });
      const gh = await store.getSourceByName('local', 'gh');
      const cal = await store.getSourceByName('local', 'cal');
      expect(JSON.stringify(gh!.config)).not.toContain(WEBHOOK_SECRET);
      expect((await vault.configSecrets.open(gh!.id, gh!.config)).webhookSecret).toBe(WEBHOOK_SECRET);
      expect(String((await vault.configSecrets.open(cal!.id, cal!.config)).url)).toContain(ICS_KEY);
    } finally {
      await store.close();
    }
  });
});
