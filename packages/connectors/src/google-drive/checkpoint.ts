import { z } from 'zod';

/**
 * Where a Drive source stands (flat, bounded): a full listing in progress (`list`, with `start` = the change-log
 * position taken before it began), a sweep after a re-listing, or following the change log (`changes`, `token`).
 * Per file, connector state holds `f:<file id>` → {@link FileRecord}.
 */
export const GoogleDriveCheckpointSchema = z
  .object({
    v: z.literal(1),
    phase: z.enum(['list', 'sweep', 'changes']),
    gen: z.number().int().min(1),
    start: z.string().max(512).optional(),
    pageToken: z.string().max(2048).optional(),
    token: z.string().max(512).optional(),
    /** Lower bound of listings (ISO), from `backfillDays` on the first sync. */
    after: z.string().max(40).optional(),
    /** The `changes.watch` channel: id, resource id, expiry (epoch ms). */
    chId: z.string().max(200).optional(),
    chRes: z.string().max(200).optional(),
    chExp: z.number().int().optional(),
  })
  .strict();
export type GoogleDriveCheckpoint = z.output<typeof GoogleDriveCheckpointSchema>;

/**
 * A file read before: the generation that saw it, its `modifiedTime` (an equal one needs no download) and its parent
 * folder (`p`, so a folder leaving the selection finds the files under it; records written before it existed lack it).
 */
export const FileRecordSchema = z.object({ g: z.number().int(), m: z.string().optional(), p: z.string().optional() });
export type FileRecord = z.output<typeof FileRecordSchema>;

export const FILE_PREFIX = 'f:';
export const fileKey = (id: string): string => `${FILE_PREFIX}${id}`;

/** `d:<folder id>` → `{}` for every folder whose files the source read at the last reconciliation (see moves.ts). */
export const FOLDER_PREFIX = 'd:';
export const folderKey = (id: string): string => `${FOLDER_PREFIX}${id}`;
/** Present once the selected folders were first recorded (a source from before folder tracking has no `d:` yet). */
export const TREE_KEY = 'tree';

export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
