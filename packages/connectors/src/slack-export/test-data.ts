import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

/** The repository root, found from this file (tests read ../shared/testdata beside it). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The real export from slack-export-viewer (see testdata/PROVENANCE.md). */
export const SLACK_ZIP = path.resolve(repoRoot, '../shared/testdata/slack/slack-export-viewer-testarchive.zip');

/** The zip's files, inflated with fflate (an independent reader from the connector's yauzl). */
export function exportFiles(): Record<string, Uint8Array> {
  return unzipSync(readFileSync(SLACK_ZIP));
}

/** Unzips the real export into a fresh temp folder; returns it with a cleanup. */
export function unzipToTemp(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slack-export-'));
  for (const [name, bytes] of Object.entries(exportFiles())) {
    if (name.endsWith('/')) continue;
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
