import type { Item, Page, PageState, ReadContext } from '@tributary/sdk';
import { GITLAB_CHECKPOINT, keys, type GitlabCheckpoint, type ProjectCursor } from '../checkpoint.js';
import type { GitlabClient } from '../client.js';
import type { GitlabConfig } from '../config.js';
import type { ApiProject } from '../map.js';

export type GitlabReadContext = ReadContext<GitlabConfig, GitlabCheckpoint>;

export const PER_PAGE = 100;

/** Everything a stream needs to read one project and checkpoint its progress. */
export interface ProjectRun {
  ctx: GitlabReadContext;
  client: GitlabClient;
  project: ApiProject;
  /** `group/project` (item ids and containers). */
  path: string;
  /** `/projects/<id>` */
  base: string;
  /** The mutable cursor of this project, written to connector state with each page. */
  cursor: ProjectCursor;
  /** Lower bound for first scans (maxAgeDays or the backfill window), ISO. */
  firstSince: string | undefined;
}

/**
 * A page with this project's cursor as it stands now, plus any per-item records (one cursor record and O(page)
 * item records: bytes per page do not grow with the project).
 */
export function page(
  run: ProjectRun,
  items: Item[],
  deletes: string[] = [],
  extra: PageState = {},
): Page<GitlabCheckpoint> {
  const out: Page<GitlabCheckpoint> = {
    items,
    checkpoint: { ...GITLAB_CHECKPOINT },
    state: {
      set: { ...(extra.set ?? {}), [keys.project(run.project.id)]: structuredClone(run.cursor) },
      ...(extra.delete?.length ? { delete: extra.delete } : {}),
    },
  };
  if (deletes.length) out.deletes = deletes;
  return out;
}

/** ISO minus seconds, at second resolution (GitLab accepts ISO 8601 for updated_after). */
export const minusSeconds = (iso: string, s: number): string =>
  new Date(Date.parse(iso) - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
