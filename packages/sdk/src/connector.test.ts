import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, parseCheckpoint, parseConfig, resolveFeatures } from './connector.js';
import { TributaryError } from './errors.js';

const manifest = {
  name: 'demo-notes',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Demo',
  description: 'Demo connector',
  auth: { type: 'none' as const },
  streams: ['notes'],
  features: { attachments: { default: false, description: 'Read attachments too' } },
  config: z.object({
    rootDir: z.string().min(1),
    depth: z.number().int().default(3),
    opts: z.object({ mode: z.enum(['a', 'b']) }).optional(),
  }),
  checkpoint: z.object({ cursor: z.string() }),
};
const definition = {
  manifest,
  check: async () => ({ ok: true, message: 'ok' }),
  async *read() {
    return;
  },
};

function thrown(fn: () => unknown): TributaryError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TributaryError);
    return err as TributaryError;
  }
  throw new Error('expected a throw');
}

describe('defineConnector', () => {
  it('accepts a valid manifest and applies its defaults', () => {
    const c = defineConnector(definition);
    expect(c.manifest.capabilities).toEqual({
      incremental: false,
      deletions: false,
      webhooks: false,
      fullRefresh: true,
      local: false,
    });
    expect(c.manifest.kind).toBe('local');
  });

  it.each([
    [{ name: 'Demo Notes' }, 'manifest.name'],
    [{ version: 'one' }, 'manifest.version'],
    [{ sdk: 'whatever' }, 'manifest.sdk'],
    [{ streams: [] }, 'manifest.streams'],
    [{ auth: { type: 'magic' } }, 'manifest.auth.type'],
  ])('rejects %j naming the field %s', (patch, field) => {
    const err = thrown(() =>
      defineConnector({ ...definition, manifest: { ...manifest, ...patch } as typeof manifest }),
    );
    expect(err.code).toBe('invalid_config');
    expect(err.message).toContain(field);
    expect(err.issues?.map((i) => i.path)).toContain(field);
  });

  it('rejects a feature name that is not camelCase', () => {
    const bad = { ...manifest, features: { 'with-attachments': { default: false, description: 'x' } } };
    expect(thrown(() => defineConnector({ ...definition, manifest: bad })).message).toMatch(
      /feature name "with-attachments"/,
    );
  });
});

describe('parseConfig', () => {
  const c = defineConnector(definition);
  it('applies defaults', () => {
    expect(parseConfig(c, { rootDir: '/tmp' })).toEqual({ rootDir: '/tmp', depth: 3 });
  });
  it('names every bad field, nested ones by path', () => {
    const err = thrown(() => parseConfig(c, { depth: 1.5, opts: { mode: 'z' } }));
    expect(err.code).toBe('invalid_config');
    expect(err.issues?.map((i) => i.path).sort()).toEqual(['config.depth', 'config.opts.mode', 'config.rootDir']);
    expect(err.message).toMatch(/config\.rootDir: /);
  });
});

describe('parseCheckpoint', () => {
  const c = defineConnector(definition);
  it('returns a valid checkpoint, and nothing for none', () => {
    expect(parseCheckpoint(c, { cursor: 'abc' })).toEqual({ checkpoint: { cursor: 'abc' }, invalid: false });
    expect(parseCheckpoint(c, undefined)).toEqual({ checkpoint: undefined, invalid: false });
  });
  it('reports a checkpoint of the wrong shape as invalid, without throwing', () => {
    const result = parseCheckpoint(c, { cursor: 42 });
    expect(result.invalid).toBe(true);
    expect(result.checkpoint).toBeUndefined();
    expect(result.reason).toMatch(/checkpoint\.cursor/);
  });
});

describe('resolveFeatures', () => {
  it('applies defaults and overrides', () => {
    expect(resolveFeatures(manifest)).toEqual({ attachments: false });
    expect(resolveFeatures(manifest, { attachments: true })).toEqual({ attachments: true });
  });
  it('rejects an unknown feature, listing the known ones', () => {
    const err = thrown(() => resolveFeatures(manifest, { attachmnts: true }));
    expect(err.code).toBe('invalid_config');
    expect(err.message).toMatch(/Unknown feature "attachmnts".*known: attachments/);
    expect(err.issues).toEqual([{ path: 'features.attachmnts', message: 'unknown feature' }]);
  });
});
