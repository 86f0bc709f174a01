import type { Octokit } from '@octokit/rest';
import type { Item, Page, ReadContext } from '@tributary/sdk';
import type { GithubCheckpoint, RepoCursor } from '../checkpoint.js';
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
  /** The mutable cursor of this repository (part of `all`). */
  cursor: RepoCursor;
  /** Cursors of every repository, snapshotted into each page's checkpoint. */
  all: Record<string, RepoCursor>;
  /** Lower bound for first scans (maxAgeDays or the backfill window), ISO. */
  firstSince: string | undefined;
}

/** A page with the checkpoint of every repository as it stands now. */
export function page(run: RepoRun, items: Item[], deletes: string[] = []): Page<GithubCheckpoint> {
  const out: Page<GithubCheckpoint> = { items, checkpoint: { repos: structuredClone(run.all) } };
  if (deletes.length) out.deletes = deletes;
  return out;
}

/** ISO time comparison (GitHub's `2025-01-01T00:00:00Z` and ours). */
export const later = (a: string, b: string | undefined): boolean => b === undefined || Date.parse(a) > Date.parse(b);
