import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (tests read ../shared/testdata beside it). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The real archive of @milahu104 (see testdata/PROVENANCE.md). */
export const X_ARCHIVE = path.resolve(repoRoot, '../shared/testdata/twitter/x-archive-milahu104');

const PREFIX = 'window.YTD.tweets.part0 = ';

/** The raw `{ tweet }` entries of a tweets.js, parsed here without the connector's code. */
export function readTweetsJs(file: string): Array<{ tweet: Record<string, any> }> {
  const text = readFileSync(file, 'utf8');
  return JSON.parse(text.slice(text.indexOf('[')));
}

export function writeTweetsJs(file: string, entries: unknown[]): void {
  writeFileSync(file, PREFIX + JSON.stringify(entries, null, 2));
}

/** A temp copy of the real archive (read-only in testdata, writable here). */
export function copyToTemp(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'x-archive-'));
  cpSync(X_ARCHIVE, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal tweet as the archive writes it. */
export function tweet(
  id: string,
  text: string,
  extra: Record<string, unknown> = {},
): { tweet: Record<string, unknown> } {
  return {
    tweet: {
      id_str: id,
      id,
      full_text: text,
      created_at: 'Fri Mar 06 13:02:05 +0000 2026',
      entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
      edit_info: { initial: { editTweetIds: [id], editsRemaining: '5', isEditEligible: false } },
      ...extra,
    },
  };
}

/** An edit of `initialId` with its own (higher) id. */
export function edit(
  id: string,
  initialId: string,
  text: string,
  allIds: string[],
): { tweet: Record<string, unknown> } {
  return tweet(id, text, {
    edit_info: { edit: { initialTweetId: initialId, editControlInitial: { editTweetIds: allIds } } },
  });
}
