import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { canonicalConfig, defineConnector, parseConfig } from './connector.js';
import { suggestKey, unknownConfigKeys } from './config-keys.js';

const config = z.object({
  host: z.string(),
  password: z.string().optional().meta({ secret: true }),
  filters: z.object({ channels: z.array(z.string()).default([]) }).optional(),
  accounts: z.array(z.object({ name: z.string() })).default([]),
  headers: z.record(z.string(), z.string()).optional(),
  extra: z.object({ a: z.number() }).catchall(z.unknown()).optional(),
  either: z.union([z.object({ path: z.string() }), z.object({ url: z.string() })]).optional(),
  maybe: z.object({ depth: z.number() }).nullable().optional(),
  vaultPath: z.string().optional(),
});

const connector = defineConnector({
  manifest: {
    name: 'demo',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Demo',
    description: 'demo',
    auth: { type: 'none' },
    streams: ['notes'],
    config,
    configAliases: { vault_path: 'vaultPath', 'filters.chans': 'filters.channels' },
    checkpoint: z.object({}),
  },
  check: async () => ({ ok: true, message: 'ok' }),
  read: async function* () {},
});

function refusal(raw: unknown) {
  try {
    parseConfig(connector, raw);
  } catch (err) {
    return err as { code: string; message: string; issues: Array<{ path: string; message: string }> };
  }
  throw new Error('accepted');
}

describe('config keys', () => {
  it('refuses an unknown key, naming it and the key meant, never its value', () => {
    const e = refusal({ host: 'h', pasword: 'hunter2' });
    expect(e.code).toBe('invalid_config');
    expect(e.message).toBe('Unknown config key "pasword" for demo. Did you mean "password"?');
    expect(e.issues).toEqual([{ path: 'config.pasword', message: 'unknown key (did you mean "password"?)' }]);
    expect(JSON.stringify(e)).not.toContain('hunter2');
  });

  it('finds unknown keys at any depth: nested objects, arrays, nullable objects and unions', () => {
    const found = unknownConfigKeys(config, {
      host: 'h',
      filters: { chanels: ['a'] },
      accounts: [{ name: 'x' }, { nmae: 'y' }],
      maybe: { depht: 1 },
      either: { path: 'p', colour: 1 },
    });
    expect(found.map((f) => [f.path, f.suggestion])).toEqual([
      ['filters.chanels', 'channels'],
      ['accounts.1.nmae', 'name'],
      ['maybe.depht', 'depth'],
      ['either.colour', undefined],
    ]);
  });

  it('keeps open objects open: records, catchall', () => {
    expect(unknownConfigKeys(config, { host: 'h', headers: { 'X-Any': 'v' }, extra: { a: 1, b: 2 } })).toEqual([]);
    expect(parseConfig(connector, { host: 'h', maybe: null, either: { url: 'u' } })).toMatchObject({ host: 'h' });
  });

  it('renames aliases to their keys, and refuses an alias given with its key', () => {
    expect(parseConfig(connector, { host: 'h', vault_path: '/v', filters: { chans: ['c'] } })).toMatchObject({
      vaultPath: '/v',
      filters: { channels: ['c'] },
    });
    expect(refusal({ host: 'h', vault_path: '/v', vaultPath: '/w' }).issues[0]!.path).toBe('config.vault_path');
  });

  it('suggests by case, separators and small edits only', () => {
    expect(suggestKey('vault_path', ['vaultPath', 'host'])).toBe('vaultPath');
    expect(suggestKey('HOST', ['host'])).toBe('host');
    expect(suggestKey('passowrd', ['password'])).toBe('password');
    expect(suggestKey('colour', ['host', 'password'])).toBeUndefined();
  });

  it('accepts snake_case and kebab-case for every key the schema knows, at any depth, and leaves open objects alone', () => {
    const nested = z.object({
      sync: z
        .object({ backfillDays: z.number().optional(), batchSize: z.number().default(1) })
        .default({ batchSize: 1 }),
      accounts: z.array(z.object({ userName: z.string() })).default([]),
      either: z.union([z.object({ rootDir: z.string() }), z.object({ baseUrl: z.string() })]).optional(),
      headers: z.record(z.string(), z.string()).optional(),
    });
    const c = { manifest: { name: 'n', config: nested } };
    const raw = {
      sync: { backfill_days: 90, 'batch-size': 5 },
      accounts: [{ user_name: 'a' }],
      either: { base_url: 'u' },
      headers: { x_api_key: 'k' },
    };
    expect(canonicalConfig(c, raw)).toEqual({
      sync: { backfillDays: 90, batchSize: 5 },
      accounts: [{ userName: 'a' }],
      either: { baseUrl: 'u' },
      headers: { x_api_key: 'k' },
    });
    expect(raw.sync).toEqual({ backfill_days: 90, 'batch-size': 5 }); // a copy
    expect(parseConfig(c, raw)).toMatchObject({ sync: { backfillDays: 90, batchSize: 5 } });
    expect(() => parseConfig(c, { sync: { backfill_days: 1, backfillDays: 2 } })).toThrow(/same setting/);
    // An unknown snake_case key is still refused, with the camelCase key it most likely meant.
    expect(refusal({ host: 'h', vault_pth: '/v' }).message).toContain('Did you mean "vaultPath"?');
  });
});
