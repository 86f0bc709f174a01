import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore, createVault, loadKeyring } from '@tributary/engine';
import { synthetic } from '@tributary/connectors';
import {
  startOidcServer,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestOidcServer,
} from '@tributary/engine/oauth/test-support/oidc-server';
import { filesContain, TestBrowser, userinfoStatus } from '../../api/test-support/oauth-browser.js';
import { harness } from '../test-support/harness.js';
import { finished, runCli, startCli } from '../test-support/spawn-cli.js';

let idp: TestOidcServer;
let tmp: string;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  idp = await startOidcServer({ loopbackRedirectPaths: ['/callback'] });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-connect-'));
  dataDir = path.join(tmp, 'home');
  const { name: _name, ...provider } = idp.provider;
  env = {
    TRIBUTARY_HOME: dataDir,
    HOME: tmp,
    TRIBUTARY_OAUTH_PROVIDERS_JSON: JSON.stringify({ testidp: provider }),
    TESTIDP_CLIENT_ID: TEST_CLIENT_ID,
    TESTIDP_CLIENT_SECRET: TEST_CLIENT_SECRET,
  };
  const cli = harness([synthetic], dataDir, tmp);
  expect((await cli.run('sources', 'add', 'synthetic', '--name', 'synth', '--no-check')).code).toBe(0);
}, 60_000);
afterAll(async () => {
  await idp?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Resolves with the first line of the child's stderr matching `re`. */
function waitForLine(child: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      const m = re.exec(buf);
      if (m) {
        child.stderr!.off('data', onData);
        resolve(m[0]);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`CLI exited (${code}) before printing ${re}: ${buf}`)));
  });
}

/** Reads the stored credential of `source` with the data dir's key. */
async function storedCredential(source: string) {
  const store = createSqliteStore({ path: path.join(dataDir, 'tributary.db') });
  try {
    const src = await store.getSourceByName('local', source);
    const vault = createVault({ store, keyring: await loadKeyring({ env: {}, dataDir }) });
    return await vault.get(src!.id);
  } finally {
    await store.close();
  }
}

describe('tributary connect / disconnect (spawned CLI, loopback redirect, real oidc-provider)', () => {
  it('connects through the browser, stores the tokens encrypted, prints no token; disconnect revokes', async () => {
    const child = startCli(['connect', 'synth', '--provider', 'testidp', '--no-browser'], env);
    const result = finished(child);
    const url = (await waitForLine(child, /https?:\/\/\S+\/auth\?\S+/)).trim();
    const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
    expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const browser = new TestBrowser();
    const callback = await browser.followUntil(url, redirectUri);
    const page = await browser.fetch(callback);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Connected synth');
    const r = await result;
    expect(r.stderr).toContain('Open this URL');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Connected synth to testidp.');
    expect(r.stdout).toMatch(/refresh token\s+yes/);

    const stored = await storedCredential('synth');
    if (stored?.kind !== 'oauth2') throw new Error('no oauth2 credential stored');
    expect(await userinfoStatus(idp.issuer, stored.accessToken)).toBe(200);
    for (const secret of [stored.accessToken, stored.refreshToken!]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
      expect(filesContain([path.join(dataDir, 'tributary.db'), path.join(dataDir, 'tributary.db-wal')], secret)).toBe(
        false,
      );
    }

    const revokedBefore = idp.events.revoked;
    const gone = await runCli(['disconnect', 'synth', '--json'], env);
    expect(gone.code, gone.stderr).toBe(0);
    expect(JSON.parse(gone.stdout)).toMatchObject({ revoked: true, deleted: true });
    expect(idp.events.revoked).toBe(revokedBefore + 1);
    expect(await storedCredential('synth')).toBeUndefined();
    expect(await userinfoStatus(idp.issuer, stored.accessToken)).toBe(401);
  }, 60_000);

  it('Ctrl-C while waiting aborts and stores nothing', async () => {
    const child = startCli(['connect', 'synth', '--provider', 'testidp', '--no-browser'], env);
    const result = finished(child);
    await waitForLine(child, /Waiting for the provider/);
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Connection aborted');
    expect(await storedCredential('synth')).toBeUndefined();
  }, 60_000);

  it('refuses a provider without a client id, naming the variables, before listening', async () => {
    const cli = harness([synthetic], dataDir, tmp, { TRIBUTARY_HOME: dataDir });
    const r = await cli.run('connect', 'synth', '--provider', 'notion', '--no-browser');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('NOTION_CLIENT_ID');
    expect(r.stderr).not.toContain('Waiting for the provider');
    const none = await cli.run('connect', 'synth', '--no-browser');
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/does not connect with OAuth/);
  });
});
