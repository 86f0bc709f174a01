import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pathFieldPaths } from './json-schema.js';
import { createPathGuard } from './path-guard.js';

let dir: string;
let data: string;
let root: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-guard-'));
  data = path.join(dir, 'data');
  root = path.join(dir, 'root');
  mkdirSync(data);
  mkdirSync(path.join(root, 'notes'), { recursive: true });
  writeFileSync(path.join(data, 'keyring.json'), '{"activeKeyId":"k1"}');
  writeFileSync(path.join(root, 'notes', 'a.md'), 'inside');
  writeFileSync(path.join(dir, 'outside.txt'), 'outside');
  symlinkSync(data, path.join(root, 'data-link'));
  symlinkSync(path.join(data, 'keyring.json'), path.join(root, 'key-link.json'));
  linkSync(path.join(data, 'keyring.json'), path.join(root, 'key-hardlink.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createPathGuard', () => {
  it('never lets anything inside a protected path through, whatever the roots', () => {
    const admin = createPathGuard({ protectedPaths: [data] });
    for (const target of [
      data,
      path.join(data, 'keyring.json'),
      path.join(data, 'tributary.db-wal'), // not created yet: still inside
      path.join(root, 'data-link', 'keyring.json'),
      path.join(root, 'key-link.json'),
      path.join(root, 'key-hardlink.json'),
      path.join(root, 'notes', '..', '..', 'data', 'keyring.json'),
    ]) {
      expect(admin.denied(target), target).toBe(true);
      expect(() => admin.check(target, 'config.rootDir')).toThrow(
        expect.objectContaining({ code: 'forbidden', issues: [expect.objectContaining({ path: 'config.rootDir' })] }),
      );
    }
    expect(admin.check(path.join(root, 'notes'))).toBe(path.join(root, 'notes'));
    expect(admin.denied(dir)).toBe(false); // an ancestor is fine: walkers skip the data dir inside it
    expect(admin.overlaps(dir)).toBe(true);
    expect(admin.overlaps(root)).toBe(false);
  });

  it('keeps a restricted user inside the allowed roots (symlinks and `..` resolved)', () => {
    const user = createPathGuard({ protectedPaths: [data], allowedRoots: [root] });
    expect(user.check(path.join(root, 'notes', 'a.md'))).toBe(path.join(root, 'notes', 'a.md'));
    expect(user.denied(path.join(root, 'notes', 'new.md'))).toBe(false);
    for (const target of [path.join(dir, 'outside.txt'), path.join(root, '..', 'outside.txt'), '/etc/passwd', dir]) {
      expect(() => user.check(target, 'config.path')).toThrow(/outside your allowed roots/);
    }
    const none = createPathGuard({ protectedPaths: [data], allowedRoots: [] });
    expect(() => none.check(path.join(root, 'notes'), 'config.rootDir')).toThrow(/no allowed roots/);
  });
});

describe('pathFieldPaths', () => {
  it('finds fields marked as paths, strings or arrays, through transforms and refinements', () => {
    const schema = z
      .object({
        rootDir: z.string().meta({ path: true }),
        dbPath: z
          .string()
          .transform((p) => p.trim())
          .refine((p) => p.startsWith('/'))
          .meta({ path: true }),
        paths: z.array(z.string()).meta({ path: true }),
        nested: z.object({ file: z.string().optional().meta({ path: true }) }).optional(),
        name: z.string(),
      })
      .refine(() => true);
    expect(pathFieldPaths(schema).sort()).toEqual(['dbPath', 'nested.file', 'paths', 'rootDir']);
  });
});
