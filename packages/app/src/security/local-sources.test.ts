import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinConnectors } from '@tributary/connectors';
import { loadKeyring } from '@tributary/engine';
import { isLocalConnector, pathFieldPaths } from '@tributary/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, startTestServer, type Client, type TestServer } from '../api/test-support/server.js';

// The attacks of issue 12 as a non-admin user against a real server: local sources outside the allowed roots, the
// data dir (keyring, database, WAL) by direct path, symlink and `..`, the self-feeding sqlite source, another user's
// data. Layout: <base>/data is the server's data dir; <base>/alice is the root an admin grants alice.
let base: string;
let dataDir: string;
let aliceRoot: string;
let outside: string;
let server: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;

/** A valid config of each connector that reads this server's disk, pointing at `p`. */
const configAt = (p: string): Record<string, Record<string, unknown>> => ({
  files: { rootDir: p },
  obsidian: { vaultPath: p },
  git: { rootDir: p },
  sqlite: { dbPath: path.join(p, 'x.db'), table: 't', columns: { content: 'c' } },
  'claude-stream': { dbPath: path.join(p, 'chats.db') },
  mbox: { path: p },
  eml: { rootDir: p },
  maildir: { rootDir: p },
  'claude-code': { projectsDir: p },
  'chatgpt-export': { exportPath: p },
  'slack-export': { path: p },
  'x-archive': { path: p },
  'linkedin-export': { archivePath: path.join(p, 'Basic_LinkedInDataExport.zip') },
  'browser-history': { browser: 'chrome', path: path.join(p, 'History') },
  logs: { paths: [path.join(p, '*.log')] },
  ics: { path: path.join(p, 'cal.ics') },
  rss: { path: path.join(p, 'feed.xml') },
});

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tributary-security-')));
  dataDir = path.join(base, 'data');
  aliceRoot = path.join(base, 'alice');
  outside = path.join(base, 'outside');
  for (const d of [dataDir, path.join(aliceRoot, 'notes'), outside]) mkdirSync(d, { recursive: true });
  server = await startTestServer({ dir: dataDir });
  await loadKeyring({ env: {}, dataDir }); // the vault key file, as `tributary up` creates it
  writeFileSync(path.join(dataDir, 'notes.md'), 'zebracanary lives in the data dir');
  writeFileSync(path.join(aliceRoot, 'notes', 'hello.md'), 'okcanary lives in alice’s root');
  writeFileSync(path.join(outside, 'secret.md'), 'outsidecanary is not alice’s');
  symlinkSync(dataDir, path.join(aliceRoot, 'data-link'));
  symlinkSync(path.join(dataDir, 'keyring.json'), path.join(aliceRoot, 'key-link.json'));
  symlinkSync(path.join(dataDir, 'tributary.db'), path.join(aliceRoot, 'db-link.sqlite'));
  admin = createClient(server.url, server.adminToken);
  await admin('POST', '/users', { body: { id: 'alice', name: 'Alice' } });
  await admin('POST', '/users', { body: { id: 'bob', name: 'Bob' } });
  const token = async (id: string) =>
    (await admin('POST', '/users/{id}/tokens', { params: { id }, body: {} })).body.token as string;
  alice = createClient(server.url, await token('alice'));
  bob = createClient(server.url, await token('bob'));
});
afterAll(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

const create = (client: Client, type: string, config: Record<string, unknown>, name = `${type}-src`) =>
  client('POST', '/sources', { body: { source_type: type, name, config } });

/** 403 `forbidden` with an issue naming a config field. */
function expectForbidden(res: Awaited<ReturnType<Client>>, label: string, field?: string): void {
  expect({ label, status: res.status, code: res.body?.error?.code }).toEqual({
    label,
    status: 403,
    code: 'forbidden',
  });
  const issuePath: string = res.body.error.issues?.[0]?.path ?? '';
  if (field) expect(issuePath, label).toBe(field);
  else expect(issuePath, label).toMatch(/^config\./);
}

async function syncAndWait(client: Client, id: string) {
  return client('POST', '/sources/{id}/sync', { params: { id }, query: { wait: 'true' } });
}

async function hits(client: Client, q: string, source?: string): Promise<string[]> {
  const res = await client('GET', '/search', { query: source ? { q, source } : { q } });
  expect(res.status).toBe(200);
  return res.body.hits.map((h: { external_id: string }) => h.external_id);
}

describe('local sources of a user without allowed roots', () => {
  it('covers every connector that reads this server’s disk', () => {
    const covered = Object.keys(configAt('/x'));
    const reading = builtinConnectors
      .filter((c) => isLocalConnector(c.manifest) || pathFieldPaths(c.manifest.config).length > 0)
      .map((c) => c.manifest.name);
    expect(reading.sort()).toEqual(covered.sort());
  });

  it('refuses every local source with 403 and a reason naming the field; nothing is created', async () => {
    for (const [type, config] of Object.entries(configAt(outside))) {
      const res = await create(alice, type, config);
      expectForbidden(res, type);
      expect(res.body.error.message).toMatch(/no allowed roots/);
    }
    // A default location is the server account's (~/.claude/projects, the browser profile): refused too.
    expectForbidden(await create(alice, 'claude-code', {}), 'claude-code default', 'config.projectsDir');
    expectForbidden(await create(alice, 'browser-history', { browser: 'chrome' }), 'browser default', 'config.path');
    expect((await alice('GET', '/sources')).body.sources).toEqual([]);
    // Sources that do not touch the disk stay open to everyone.
    expect((await create(alice, 'synthetic', { count: 3 })).status).toBe(201);
    expect((await create(alice, 'rss', { url: 'https://feeds.example.com/rss' })).status).toBe(201);
  });
});

describe('allowed roots', () => {
  let source: string;

  it('are granted by an admin only', async () => {
    for (const [client, who] of [
      [alice, 'alice'],
      [bob, 'bob'],
    ] as const) {
      const res = await client('PUT', '/users/{id}/allowed-roots', {
        params: { id: who },
        body: { allowed_roots: [base] },
      });
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
    }
    expect(
      (await admin('PUT', '/users/{id}/allowed-roots', { params: { id: 'nobody' }, body: { allowed_roots: [] } }))
        .status,
    ).toBe(404);
    const relative = await admin('PUT', '/users/{id}/allowed-roots', {
      params: { id: 'alice' },
      body: { allowed_roots: ['alice'] },
    });
    expect(relative.status).toBe(400);
    const res = await admin('PUT', '/users/{id}/allowed-roots', {
      params: { id: 'alice' },
      body: { allowed_roots: [aliceRoot] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'alice', is_admin: false, allowed_roots: [aliceRoot] });
    const users = (await admin('GET', '/users')).body.users as Array<{ id: string; allowed_roots: string[] }>;
    expect(users.find((u) => u.id === 'bob')?.allowed_roots).toEqual([]);
  });

  it('let the user read inside them, and nothing outside', async () => {
    for (const [type, config] of Object.entries(configAt(outside))) {
      const res = await create(alice, type, config);
      expectForbidden(res, type);
      expect(res.body.error.message).toMatch(/outside your allowed roots/);
    }
    const res = await create(alice, 'files', { rootDir: aliceRoot, followSymlinks: true }, 'notes');
    expect(res.status).toBe(201);
    source = res.body.id;
    const run = await syncAndWait(alice, source);
    expect(run.status).toBe(200);
    expect(run.body.run.status).toBe('succeeded');
    expect(await hits(alice, 'okcanary')).toEqual(['notes/hello.md']);
    // The links into the data dir were not followed (they leave the root), nor anything outside.
    expect(await hits(alice, 'zebracanary')).toEqual([]);
    expect(await hits(alice, 'activeKeyId')).toEqual([]);
    expect(await hits(alice, 'outsidecanary')).toEqual([]);
  });

  it('keep the data dir, keyring and database unreadable: direct, via symlink, via `..`', async () => {
    const attacks: Array<[string, string, Record<string, unknown>]> = [
      ['data dir', 'files', { rootDir: dataDir }],
      ['data dir via ..', 'files', { rootDir: path.join(aliceRoot, '..', 'data') }],
      ['data dir via symlink', 'files', { rootDir: path.join(aliceRoot, 'data-link') }],
      ['data dir via symlink and ..', 'obsidian', { vaultPath: path.join(aliceRoot, 'data-link', 'x', '..') }],
      ['keyring via symlink', 'chatgpt-export', { exportPath: path.join(aliceRoot, 'key-link.json') }],
      ['keyring via ..', 'chatgpt-export', { exportPath: path.join(aliceRoot, '..', 'data', 'keyring.json') }],
      [
        'the database (self-feeding)',
        'sqlite',
        { ...configAt(dataDir).sqlite, dbPath: path.join(dataDir, 'tributary.db') },
      ],
      [
        'the database via symlink',
        'sqlite',
        { ...configAt(dataDir).sqlite, dbPath: path.join(aliceRoot, 'db-link.sqlite') },
      ],
      [
        'the WAL via ..',
        'sqlite',
        { ...configAt(dataDir).sqlite, dbPath: path.join(aliceRoot, '../data/tributary.db-wal') },
      ],
      ['the database as a feed', 'rss', { path: path.join(aliceRoot, 'db-link.sqlite') }],
      ['a glob into the data dir', 'logs', { paths: [path.join(aliceRoot, 'data-link', '*.json')] }],
      ['a glob climbing out', 'logs', { paths: [path.join(aliceRoot, '*', '..', '..', 'data', '*')] }],
    ];
    for (const [label, type, config] of attacks) expectForbidden(await create(alice, type, config, 'attack'), label);
    expect((await alice('GET', '/sources')).body.sources.map((s: { name: string }) => s.name).sort()).toEqual([
      'notes',
      'rss-src',
      'synthetic-src',
    ]);
  });

  it('hold on edit and at every sync, also after the admin narrows them', async () => {
    const patched = await alice('PATCH', '/sources/{id}', {
      params: { id: source },
      body: { config: { rootDir: dataDir } },
    });
    expectForbidden(patched, 'patch to the data dir', 'config.rootDir');
    expect((await alice('GET', '/sources/{id}', { params: { id: source } })).body.config.rootDir).toBe(aliceRoot);
    await admin('PUT', '/users/{id}/allowed-roots', { params: { id: 'alice' }, body: { allowed_roots: [] } });
    const run = await syncAndWait(alice, source);
    expect({ status: run.status, code: run.body.error?.code }).toEqual({ status: 403, code: 'forbidden' });
    const shown = (await alice('GET', '/sources/{id}', { params: { id: source } })).body;
    expect(shown).toMatchObject({ status: 'error' });
    expect(shown.error_message).toMatch(/^forbidden: config\.rootDir/);
    await admin('PUT', '/users/{id}/allowed-roots', { params: { id: 'alice' }, body: { allowed_roots: [aliceRoot] } });
  });
});

describe('the data dir inside a granted root', () => {
  it('is skipped by tree walks, for a user whose root contains it and for the admin', async () => {
    await admin('PUT', '/users/{id}/allowed-roots', { params: { id: 'alice' }, body: { allowed_roots: [base] } });
    for (const [who, client] of [
      ['alice', alice],
      ['admin', admin],
    ] as const) {
      // Creating the data dir itself is refused whatever the roots, also to the admin.
      expectForbidden(await create(client, 'files', { rootDir: dataDir }, 'direct'), `${who}: data dir`);
      expectForbidden(
        await create(
          client,
          'sqlite',
          { ...configAt(dataDir).sqlite, dbPath: path.join(dataDir, 'tributary.db') },
          'db',
        ),
        `${who}: database`,
      );
      const res = await create(client, 'files', { rootDir: base }, 'everything');
      expect(res.status).toBe(201);
      const run = await syncAndWait(client, res.body.id);
      expect(run.body.run.status).toBe('succeeded');
      expect(await hits(client, 'okcanary', res.body.id)).toEqual(['alice/notes/hello.md']);
      expect(await hits(client, 'outsidecanary', res.body.id)).toEqual(['outside/secret.md']);
      expect(await hits(client, 'zebracanary', res.body.id)).toEqual([]);
      expect(await hits(client, 'activeKeyId', res.body.id)).toEqual([]);
      const timeline = (await client('GET', '/timeline', { query: { source: res.body.id, limit: 100 } })).body.entries;
      const ids: string[] = timeline.map((e: { external_id: string }) => e.external_id);
      expect(ids.filter((id) => id.startsWith('data/'))).toEqual([]);
      expect(ids.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('another user', () => {
  it('reaches nothing of alice’s, neither through the API nor through her root', async () => {
    expect(await hits(bob, 'okcanary')).toEqual([]);
    const aliceHit = (await alice('GET', '/search', { query: { q: 'okcanary' } })).body.hits[0];
    expect((await bob('GET', '/memories/{id}', { params: { id: aliceHit.memory_id } })).status).toBe(404);
    expectForbidden(await create(bob, 'files', { rootDir: aliceRoot }, 'peek'), 'bob on alice’s root');
    expect((await bob('GET', '/sources')).body.sources).toEqual([]);
  });
});
