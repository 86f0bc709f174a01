import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './index.js';

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-mode-'));
  umask = process.umask(0o022); // the usual umask, which left tributary.db 0644
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe('SQLite file permissions', () => {
  it('creates the database, its WAL and SHM owner-only (0600)', async () => {
    const file = path.join(dir, 'tributary.db');
    const store = createSqliteStore({ path: file });
    await store.migrate();
    await store.createUser({ name: 'someone', isAdmin: false }); // a write, so the WAL holds data
    for (const p of [file, `${file}-wal`, `${file}-shm`]) {
      expect(existsSync(p), p).toBe(true);
      expect(mode(p).toString(8), p).toBe('600');
    }
    await store.close();
  });

  it('tightens a database an older version left 0644', async () => {
    const file = path.join(dir, 'old.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const store = createSqliteStore({ path: file });
    await store.migrate();
    expect(mode(file).toString(8)).toBe('600');
    expect(mode(`${file}-wal`).toString(8)).toBe('600');
    await store.close();
  });
});
