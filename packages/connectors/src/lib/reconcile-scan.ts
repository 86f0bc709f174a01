import { z } from 'zod';

/**
 * The reconciling scan shared by connectors whose API lists by modification time but reports no deletions (Notion,
 * Jira, Confluence): an incremental scan reads from the high-water mark minus an overlap; every `reconcileHours` (and
 * on the first sync) a reconciling scan lists everything, marks each record it sees with a new epoch, then a sweep
 * deletes the records not marked. These are the checkpoint fields and the decisions every such connector makes alike.
 */
export const reconcileScanFields = {
  v: z.literal(1),
  /** Epoch of the last completed reconciliation (0: none yet). */
  epoch: z.number().int().min(0),
  /** When the last reconciliation finished (ISO). */
  reconciledAt: z.string().optional(),
  /** A scan in progress: `listing`, then (for a reconciling scan) `sweep`. */
  phase: z.enum(['idle', 'listing', 'sweep']),
  /** Newest modification seen by this scan (the next high-water mark). */
  top: z.string().optional(),
  /** The epoch this scan marks (present when it reconciles). */
  mark: z.number().int().positive().optional(),
};

/** Drops undefined fields so a checkpoint survives a JSON round trip unchanged. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Whether a new scan reconciles: on the first sync, always with `reconcileHours: 0`, else once it is due. */
export function reconcileDue(
  first: boolean,
  reconciledAt: string | undefined,
  reconcileHours: number,
  nowMs: number,
): boolean {
  return (
    first ||
    reconcileHours === 0 ||
    reconciledAt === undefined ||
    nowMs - Date.parse(reconciledAt) >= reconcileHours * 3_600_000
  );
}

/**
 * Where a scan starts reading (ISO): a reconciling scan has no bound, except the user's `since` on the very first
 * sync; an incremental one starts `overlapMinutes` before the high-water mark (late writes are read again).
 */
export function scanLowerBound(
  due: boolean,
  hw: string | undefined,
  overlapMinutes: number,
  since: Date | undefined,
): string | undefined {
  if (due) return hw === undefined && since ? iso(since.getTime()) : undefined;
  return iso(Date.parse(hw!) - overlapMinutes * 60_000);
}

/** The idle checkpoint after a completed scan: the marked epoch becomes the reconciled one. */
export function finishedScan(
  cp: { epoch: number; mark?: number | undefined; reconciledAt?: string | undefined },
  hw: string | undefined,
  nowMs: number,
) {
  return compact({
    v: 1 as const,
    hw,
    epoch: cp.mark ?? cp.epoch,
    reconciledAt: cp.mark !== undefined ? iso(nowMs) : cp.reconciledAt,
    phase: 'idle' as const,
  });
}
