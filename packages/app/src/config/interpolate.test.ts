import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '@tributary/sdk';
import { interpolate } from './interpolate.js';

const files: Record<string, string> = { '/secrets/token': 'xoxb-from-file\n', '/cfg/rel.txt': 'relative' };
const sources = {
  env: { TOKEN: 'abc123', EMPTY: '', HOME: '/home/ada' } as Record<string, string | undefined>,
  readFile: (p: string) => {
    const v = files[p];
    if (v === undefined) throw new Error('ENOENT: no such file');
    return v;
  },
  baseDir: '/cfg',
};

describe('interpolate', () => {
  it('replaces ${NAME} anywhere in a string, deep in objects and arrays', () => {
    const out = interpolate(
      { a: { token: '${TOKEN}', list: ['x-${TOKEN}-y', 3, true] }, path: '${HOME}/notes' },
      sources,
    );
    expect(out).toEqual({ a: { token: 'abc123', list: ['x-abc123-y', 3, true] }, path: '/home/ada/notes' });
  });

  it('uses the default of ${NAME:-default} when the variable is unset or empty', () => {
    expect(interpolate({ a: '${MISSING:-fallback}', b: '${EMPTY:-dflt}', c: '${TOKEN:-unused}' }, sources)).toEqual({
      a: 'fallback',
      b: 'dflt',
      c: 'abc123',
    });
  });

  it('reads ${file:…} (absolute, or relative to the config dir) without its trailing newline', () => {
    expect(interpolate({ t: '${file:/secrets/token}', r: '${file:rel.txt}' }, sources)).toEqual({
      t: 'xoxb-from-file',
      r: 'relative',
    });
    expect(path.resolve(sources.baseDir, 'rel.txt')).toBe('/cfg/rel.txt');
  });

  it('keeps $${…} as a literal ${…}', () => {
    expect(interpolate({ a: 'cost: $${TOKEN}' }, sources)).toEqual({ a: 'cost: ${TOKEN}' });
  });

  it('reports every unresolved reference with its path, and leaves keys alone', () => {
    let error: unknown;
    try {
      interpolate({ '${TOKEN}': 'ok', sources: [{ config: { token: '${NOPE}', key: '${file:/missing}' } }] }, sources);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TributaryError);
    const e = error as TributaryError;
    expect(e.code).toBe('invalid_config');
    expect(e.issues?.map((i) => i.path)).toEqual(['sources.0.config.token', 'sources.0.config.key']);
    expect(e.message).toContain('NOPE is not set');
    expect(e.message).toContain('/missing');
  });

  it('refuses a malformed reference', () => {
    expect(() => interpolate({ a: '${not a name}' }, sources)).toThrow(/not a valid reference/);
  });
});
