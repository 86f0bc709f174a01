import { z } from 'zod';
import { reconcileScanFields } from '../lib/reconcile-scan.js';

/**
 * The Jira connector's checkpoint: flat, the same few values whatever the site size. A scan searches
 * `updated >= from ORDER BY updated ASC, id ASC` page by page (`token` = the search's `nextPageToken`); a reconciling
 * scan has no lower bound and marks every issue it sees with `mark`, then a sweep deletes the issues not marked.
 * Per issue records are connector state under `i:<id>`.
 */
export const JiraCheckpointSchema = z
  .object({
    ...reconcileScanFields,
    /** Newest `updated` read by a completed scan (ISO, UTC). */
    hw: z.string().optional(),
    /** `nextPageToken` of the next search page. */
    token: z.string().optional(),
    /** Lower bound of this scan (ISO, UTC); absent: no bound. */
    from: z.string().optional(),
  })
  .strict();
export type JiraCheckpoint = z.output<typeof JiraCheckpointSchema>;

export const INITIAL_CHECKPOINT: JiraCheckpoint = { v: 1, epoch: 0, phase: 'idle' };

/** Per issue: its `updated`, the epoch that last saw it, a digest of the issue item, and its comments' `updated`. */
export const IssueRecordSchema = z.object({
  u: z.string(),
  r: z.number().int().min(0),
  h: z.string(),
  /** Comment id → its `updated` (ISO), for the comments yielded. */
  c: z.record(z.string(), z.string()).default({}),
});
export type IssueRecord = z.output<typeof IssueRecordSchema>;

export const ISSUE_PREFIX = 'i:';
export const issueKey = (id: string): string => `${ISSUE_PREFIX}${id}`;

export { compact } from '../lib/reconcile-scan.js';
