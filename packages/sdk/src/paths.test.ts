import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInsideRoot } from './paths.js';

let dir: string;
let root: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-paths-'));
  root = path.join(dir, 'root');
  mkdirSync(path.join(root, 'notes'), { recursive: true });
  writeFileSync(path.join(root, 'notes', 'a.md'), 'inside');
  writeFileSync(path.join(dir, 'outside.txt'), 'outside');
  symlinkSync(path.join(dir, 'outside.txt'), path.join(root, 'escape.txt'));
  symlinkSync(dir, path.join(root, 'escape-dir'));
  symlinkSync(path.join(root, 'notes', 'a.md'), path.join(root, 'alias.md'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveInsideRoot', () => {
  it('resolves paths inside the root, through inward symlinks and to files not created yet', () => {
    expect(resolveInsideRoot(root, 'notes/a.md')).toMatch(/root\/notes\/a\.md$/);
    expect(resolveInsideRoot(root, 'alias.md')).toMatch(/root\/notes\/a\.md$/);
    expect(resolveInsideRoot(root, 'notes/new.md')).toMatch(/root\/notes\/new\.md$/);
  });

  it.each([
    ['../outside.txt'],
    ['notes/../../outside.txt'],
    ['/etc/passwd'],
    ['escape.txt'],
    ['escape-dir/outside.txt'],
  ])('refuses %s', (target) => {
    expect(() => resolveInsideRoot(root, target)).toThrow(expect.objectContaining({ code: 'path_outside_root' }));
  });
});
