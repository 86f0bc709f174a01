import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '@tributary/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/test-support/spawn-cli.js';
import { hashToken } from './tokens.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'tributary-tokens-'));
const env = { TRIBUTARY_HOME: home, HOME: home };
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('tributary tokens', () => {
  it('creates (shown once, stored hashed), lists and revokes tokens', async () => {
    const created = await runCli(
      ['tokens', 'create', '--user', 'carol', '--name', 'laptop', '--read-only', '--json'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout);
    expect(token).toMatchObject({
      userId: 'carol',
      name: 'laptop',
      readOnly: true,
      scope: 'api',
      token: expect.stringMatching(/^trib_/),
    });
    expect(created.stderr).toContain('Created user carol');

    const metrics = JSON.parse((await runCli(['tokens', 'create', '--metrics', '--json'], env)).stdout);
    expect(metrics).toMatchObject({ userId: 'local', scope: 'metrics' });

    const list = await runCli(['tokens', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(token.token);
    expect(
      JSON.parse(list.stdout)
        .tokens.map((t: { id: string }) => t.id)
        .sort(),
    ).toEqual([token.id, metrics.id].sort());

    const store = createSqliteStore({ path: path.join(home, 'tributary.db') });
    try {
      expect((await store.findTokenByHash(hashToken(token.token)))?.id).toBe(token.id);
    } finally {
      await store.close();
    }

    expect((await runCli(['tokens', 'revoke', token.id], env)).code).toBe(0);
    const again = await runCli(['tokens', 'revoke', token.id], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('No active token');
    expect((await runCli(['tokens', 'list'], env)).stdout).toMatch(/revoked/);
  }, 60_000);
});
