import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/twins/kit/paths.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A file of the shared real test data (read in place, never copied into the repo). */
export function testdataPath(...segments: string[]): string {
  return path.resolve(repoRoot, '../shared/testdata', ...segments);
}
