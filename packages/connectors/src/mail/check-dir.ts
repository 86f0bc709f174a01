import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import type { CheckResult } from '@tributary/sdk';

/** check() for folder-based mail sources: the folder exists, is a folder, and can be listed. */
export async function checkReadableDir(dir: string, what: string): Promise<CheckResult> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) return { ok: false, message: `${what} "${dir}" is not a folder: point it at a folder.` };
    await access(dir, constants.R_OK | constants.X_OK);
    return { ok: true, message: `${what} "${dir}" is readable.` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, message: `${what} "${dir}" does not exist: check the path.` };
    if (code === 'EACCES' || code === 'EPERM')
      return { ok: false, message: `${what} "${dir}" is not readable by this process: fix its permissions.` };
    return { ok: false, message: `${what} "${dir}" cannot be read: ${(err as Error).message}` };
  }
}
