import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, parseConfig } from './connector.js';
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
});
