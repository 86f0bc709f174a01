import type { Octokit } from '@octokit/rest';
import type { Item, Page, ReadContext } from '@tributary/sdk';
import { GITHUB_CHECKPOINT, type GithubCheckpoint, type RepoCursor } from '../checkpoint.js';
import type { GithubConfig } from '../config.js';
import type { ApiRepo } from '../map.js';

export type GithubReadContext = ReadContext<GithubConfig, GithubCheckpoint>;

/** Everything a stream needs to read one repository and checkpoint its progress. */
export interface RepoRun {
  ctx: GithubReadContext;
  octokit: Octokit;
  repo: ApiRepo;
  owner: string;
  name: string;
  /** `owner/name` as GitHub spells it (item ids and containers). */
  fullName: string;
  /** The mutable cursor of this repository, written to connector state (`key`) with each page. */
  cursor: RepoCursor;
  /** State key of this repository's cursor (`r:<owner/name>`). */
  key: string;
  /** Lower bound for first scans (maxAgeDays or the backfill window), ISO. */
  firstSince: string | undefined;
}

/** A page with this repository's cursor as it stands now (one state record: O(page), not O(repositories)). */
export function page(run: RepoRun, items: Item[], deletes: string[] = []): Page<GithubCheckpoint> {
  const out: Page<GithubCheckpoint> = {
    items,
    checkpoint: { ...GITHUB_CHECKPOINT },
    state: { set: { [run.key]: structuredClone(run.cursor) } },
  };
  if (deletes.length) out.deletes = deletes;
  return out;
}

/** ISO time comparison (GitHub's `2025-01-01T00:00:00Z` and ours). */
export const later = (a: string, b: string | undefined): boolean => b === undefined || Date.parse(a) > Date.parse(b);
