import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/** A read-only copy of a live history database, removed by `close()`. */
export interface Snapshot {
  db: Database.Database;
  close(): void;
}

/**
 * Copies the database with its `-wal` and `-shm` files (a running browser holds a lock and keeps recent writes in
 * the WAL) to a private temp folder and opens the copy read-only, so the browser is never blocked or disturbed.
 */
export function openSnapshot(file: string): Snapshot {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-history-'));
  try {
    const copy = path.join(dir, 'history.sqlite');
    copyFileSync(file, copy);
    for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) copyFileSync(file + suffix, copy + suffix);
    const db = new Database(copy, { readonly: true, fileMustExist: true });
    return {
      db,
      close: () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
