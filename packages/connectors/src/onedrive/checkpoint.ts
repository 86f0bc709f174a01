import { z } from 'zod';

/**
 * Where a OneDrive source stands (flat, bounded). `delta` follows the delta query: `next` is an `@odata.nextLink`
 * while a round is paging, `link` the `@odata.deltaLink` of the last finished round (the cursor). `sweep` runs after
 * a re-sync round (410 Gone / resyncRequired): every file record of an older generation is tombstoned.
 * Per file, connector state holds `f:<item id>` → {@link FileRecord}; per folder `d:<item id>` → {@link FolderRecord}.
 */
export const OneDriveCheckpointSchema = z
  .object({
    v: z.literal(1),
    phase: z.enum(['delta', 'sweep']),
    gen: z.number().int().min(1),
    next: z.string().max(4096).optional(),
    link: z.string().max(4096).optional(),
    /** This round started from scratch after a 410 (or a folder selection change): a sweep follows it. */
    resync: z.boolean().optional(),
    /** The subscription: id and expiry (epoch ms). */
    subId: z.string().max(200).optional(),
    subExp: z.number().int().optional(),
  })
  .strict();
export type OneDriveCheckpoint = z.output<typeof OneDriveCheckpointSchema>;

/** A file read before: the generation that saw it, its eTag (an equal one needs no download) and parent folder. */
export const FileRecordSchema = z.object({ g: z.number().int(), e: z.string().optional(), p: z.string().optional() });
export type FileRecord = z.output<typeof FileRecordSchema>;

/** A folder seen in the delta feed: name and parent, to build paths and apply include/exclude. */
export const FolderRecordSchema = z.object({ n: z.string(), p: z.string().optional(), g: z.number().int() });
export type FolderRecord = z.output<typeof FolderRecordSchema>;

export const FILE_PREFIX = 'f:';
export const FOLDER_PREFIX = 'd:';
export const fileKey = (id: string): string => `${FILE_PREFIX}${id}`;
export const folderKey = (id: string): string => `${FOLDER_PREFIX}${id}`;

export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
