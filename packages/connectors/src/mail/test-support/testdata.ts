import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (packages/connectors/src/mail/test-support). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

/** A path under the shared, read-only test data (never copied into the repo). */
export function testdata(...parts: string[]): string {
  return path.resolve(repoRoot, '../shared/testdata', ...parts);
}
