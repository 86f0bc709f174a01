import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';

/** The database, its WAL and shared memory hold every user's data and token hashes: owner-only. */
export const DATABASE_FILE_MODE = 0o600;

const COMPANIONS = ['', '-wal', '-shm', '-journal'];

/**
 * Creates the database file owner-only before SQLite opens it (SQLite then creates the WAL and SHM files with the
 * database file's mode), and tightens files an older version left 0644. A file we may not chmod (another owner) is
 * left as it is: opening it is the operator's choice.
 */
export function secureDatabaseFiles(file: string): void {
  if (file === ':memory:' || file === '' || file.startsWith('file:')) return;
  if (!existsSync(file)) closeSync(openSync(file, 'a', DATABASE_FILE_MODE));
  for (const suffix of COMPANIONS) {
    const p = file + suffix;
    try {
      if (existsSync(p)) chmodSync(p, DATABASE_FILE_MODE);
    } catch {
      // Not ours to change (EPERM): see above.
    }
  }
}
