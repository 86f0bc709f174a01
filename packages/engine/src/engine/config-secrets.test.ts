import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { defineConnector, REDACTED, z, type LogRecord } from '@tributary/sdk';
import { createPostgresStore } from '../store/postgres/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { generateKey, keyringFromKey } from '../vault/keyring.js';
import { createVault, type Vault } from '../vault/vault.js';
import { SECRET_MASK } from '../vault/config-secrets.js';
import { createEngine } from './create-engine.js';
import type { EngineWithStore } from './types.js';

const API_KEY = 'config-api-key-plaintext-91c2d3';
const NEXT_KEY = 'config-api-key-rotated-by-user-44e5';

/** A connector with a secret config field, which it logs and copies into content (both must be redacted). */
const seen: string[] = [];
const secretive = defineConnector({
  manifest: {
    name: 'secretive',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Secretive',
    description: 'has a secret config field',
    auth: { type: 'none' },
    config: z.object({
      label: z.string().default('x'),
      apiKey: z.string().min(8).meta({ secret: true }),
    }),
    checkpoint: z.object({ n: z.number() }),
    streams: ['s'],
  },
  check: async (ctx) => ({ ok: ctx.config.apiKey.startsWith('config-api-key'), message: 'checked' }),
  async *read(ctx) {
    seen.push(ctx.config.apiKey);
    ctx.logger.info(`calling upstream with ${ctx.config.apiKey}`);
    yield {
      items: [{ externalId: 'i1', stream: 's', content: `the key is ${ctx.config.apiKey} (${ctx.config.label})` }],
      checkpoint: { n: 1 },
    };
  },
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  seen.length = 0;
});

async function setup(
  withVault = true,
): Promise<{ engine: EngineWithStore; vault: Vault; dir: string; logs: LogRecord[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-config-secrets-'));
  const store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
  await store.migrate();
  const vault = createVault({ store, keyring: keyringFromKey(generateKey()) });
  const logs: LogRecord[] = [];
  const engine = createEngine({
    store,
    connectors: [secretive as any],
    log: (r) => logs.push(r),
    ...(withVault ? { configSecrets: vault.configSecrets } : {}),
  });
  cleanups.push(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { engine, vault, dir, logs };
}

const dbBytes = (dir: string): Buffer =>
  Buffer.concat(
    readdirSync(dir)
      .filter((f) => f.startsWith('tributary.db'))
      .map((f) => readFileSync(path.join(dir, f))),
  );

describe('secret config fields through the engine', () => {
  it('stores them sealed, hands connectors the plaintext and redacts it from logs and content', async () => {
    const { engine, dir, logs } = await setup();
    const source = await engine.sources.add({ connector: 'secretive', name: 's', config: { apiKey: API_KEY } });
    expect(JSON.stringify(source.config)).not.toContain(API_KEY);
    expect(JSON.stringify((await engine.store.getSource(source.id))!.config)).not.toContain(API_KEY);
    expect(await engine.sources.check(source.id)).toMatchObject({ ok: true });
    expect(await engine.sources.plainConfig(source.id)).toEqual({ apiKey: API_KEY });

    expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded', created: 1 });
    expect(seen).toEqual([API_KEY]);
    const memory = await engine.store.getMemoryByExternalId(source.id, 'i1');
    expect(memory!.content).toContain(REDACTED);
    expect(memory!.content).not.toContain(API_KEY);
    expect(JSON.stringify(logs)).toContain('calling upstream with');
    expect(JSON.stringify(logs)).not.toContain(API_KEY);
    expect(dbBytes(dir).includes(Buffer.from(API_KEY))).toBe(false);
  });

  it('an edit that sends the mask or the stored value back keeps the secret; a new value replaces it', async () => {
    const { engine } = await setup();
    const source = await engine.sources.add({ connector: 'secretive', name: 's', config: { apiKey: API_KEY } });
    await engine.sources.update(source.id, { config: { label: 'masked', apiKey: SECRET_MASK } });
    expect(await engine.sources.plainConfig(source.id)).toEqual({ label: 'masked', apiKey: API_KEY });
    // What `sources edit --set` sends: the stored config (with its sealed value) plus a change.
    const stored = (await engine.sources.get(source.id)).config;
    await engine.sources.update(source.id, { config: { ...stored, label: 'sealed' } });
    expect(await engine.sources.plainConfig(source.id)).toEqual({ label: 'sealed', apiKey: API_KEY });
    await engine.sources.update(source.id, { config: { label: 'new', apiKey: NEXT_KEY } });
    expect(await engine.sources.plainConfig(source.id)).toEqual({ label: 'new', apiKey: NEXT_KEY });
    await engine.sync(source.id);
    expect(seen).toEqual([NEXT_KEY]);
  });

  it('bad input changes nothing', async () => {
    const { engine } = await setup();
    const source = await engine.sources.add({ connector: 'secretive', name: 's', config: { apiKey: API_KEY } });
    const before = (await engine.sources.get(source.id)).config;
    await expect(engine.sources.update(source.id, { config: { apiKey: 'short' } })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    await expect(
      engine.sources.add({ connector: 'secretive', name: 't', config: { apiKey: SECRET_MASK } }),
    ).rejects.toMatchObject({ code: 'invalid_config' });
    expect((await engine.sources.get(source.id)).config).toEqual(before);
    expect((await engine.sources.list()).map((s) => s.name)).toEqual(['s']);
  });

  it('sealed values are bound to their source: copied to another source they do not open', async () => {
    const { engine } = await setup();
    const a = await engine.sources.add({ connector: 'secretive', name: 'a', config: { apiKey: API_KEY } });
    const b = await engine.sources.add({ connector: 'secretive', name: 'b', config: { apiKey: NEXT_KEY } });
    await engine.store.updateSource(b.id, { config: a.config });
    await expect(engine.sources.plainConfig(b.id)).rejects.toMatchObject({ code: 'secret_key_invalid' });
    await expect(engine.sync(b.id)).rejects.toMatchObject({ code: 'secret_key_invalid' });
    expect(seen).toEqual([]);
  });

  it('rotation keeps sources readable by the engine', async () => {
    const { engine, vault } = await setup();
    const source = await engine.sources.add({ connector: 'secretive', name: 's', config: { apiKey: API_KEY } });
    const before = JSON.stringify((await engine.sources.get(source.id)).config);
    expect((await vault.rotate()).reencryptedConfigs).toBe(1);
    expect(JSON.stringify((await engine.sources.get(source.id)).config)).not.toBe(before);
    expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded' });
    expect(seen).toEqual([API_KEY]);
  });

  it('without the hook, configs are stored as given (unchanged behaviour)', async () => {
    const { engine } = await setup(false);
    const source = await engine.sources.add({ connector: 'secretive', name: 's', config: { apiKey: API_KEY } });
    expect((await engine.store.getSource(source.id))!.config).toEqual({ apiKey: API_KEY });
    await engine.sync(source.id);
    expect(seen).toEqual([API_KEY]);
  });

  it('on PostgreSQL too, the data_sources row holds the sealed value, never the plaintext', async () => {
    const url = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const schema = `t_cfgsec_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const store = createPostgresStore({ connectionString: url, schema, maxConnections: 2 });
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    cleanups.push(async () => {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });
    await store.migrate();
    const vault = createVault({ store, keyring: keyringFromKey(generateKey()) });
    const engine = createEngine({ store, connectors: [secretive as any], configSecrets: vault.configSecrets });
    const source = await engine.sources.add({ connector: 'secretive', name: 's', config: { apiKey: API_KEY } });
    const raw = await store.pool.query(`SELECT config::text AS config FROM data_sources WHERE id = $1`, [source.id]);
    expect(raw.rows[0].config).toContain('$sealed');
    expect(raw.rows[0].config).not.toContain(API_KEY);
    expect(await engine.sync(source.id)).toMatchObject({ status: 'succeeded' });
    expect(seen).toEqual([API_KEY]);
    await vault.rotate();
    expect(await engine.sources.plainConfig(source.id)).toEqual({ apiKey: API_KEY });
  });
});
