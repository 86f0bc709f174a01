import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh temp folder; `cleanup()` removes it. */
export function makeTempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `tributary-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a test-data tree into `dest` (writable copies: the shared data is read-only). */
export function copyTree(src: string, dest: string, filter: (src: string) => boolean = () => true): void {
  cpSync(src, dest, { recursive: true, filter, mode: 0 });
}
