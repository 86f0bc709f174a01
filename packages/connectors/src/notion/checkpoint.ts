import { z } from 'zod';
import { reconcileScanFields } from '../lib/reconcile-scan.js';

/**
 * The Notion connector's checkpoint: flat, a few values whatever the workspace size. Pages are listed by `search`,
 * newest edit first (the API has no "edited since" filter), so a scan walks down from the top and stops at
 * `stop`; a reconciling scan lists everything and marks each page it sees with its `epoch`, then a sweep deletes
 * the pages not marked. Per page records (edit time, epoch, title) are connector state under `p:<id>`.
 */
export const NotionCheckpointSchema = z
  .object({
    ...reconcileScanFields,
    /** Newest `last_edited_time` read by a completed scan. */
    hw: z.string().optional(),
    /** Search cursor of the next page of the listing. */
    cursor: z.string().optional(),
    /** The listing stops at results edited before this (absent: a full listing). */
    stop: z.string().optional(),
  })
  .strict();

export type NotionCheckpoint = z.output<typeof NotionCheckpointSchema>;

export const INITIAL_CHECKPOINT: NotionCheckpoint = { v: 1, epoch: 0, phase: 'idle' };

/** What connector state keeps per page, data source or row: `p:<id>`. */
export const PageRecordSchema = z.object({
  /** `last_edited_time` of the version yielded. */
  e: z.string(),
  /** The reconciliation epoch that last saw it. */
  r: z.number().int().min(0),
  /** Its title (links and containers resolve to it without a call). */
  t: z.string(),
});
export type PageRecord = z.output<typeof PageRecordSchema>;

export const PAGE_PREFIX = 'p:';
export const pageKey = (id: string): string => `${PAGE_PREFIX}${id}`;

export { compact } from '../lib/reconcile-scan.js';
