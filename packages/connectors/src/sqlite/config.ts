import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** `~/x` → `<home>/x` (from os.homedir(): connectors never read process.env). */
export function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? path.join(homedir(), p.slice(2)) : p;
}

const identifier = z.string().min(1).max(128);

/** Which result columns become which item fields. Missing optional mappings leave the field unset. */
export const ColumnMapSchema = z.object({
  externalId: identifier
    .optional()
    .describe(
      'Column holding the stable id of a row/record. Default: the tie-break column (rowid) for a timestamp cursor, else the cursor column.',
    ),
  content: identifier.describe('Column holding the text to remember.'),
  title: identifier.optional().describe('Column for the title.'),
  author: identifier.optional().describe('Column for the author.'),
  occurredAt: identifier
    .optional()
    .describe(
      'Column with when it happened: ISO text, "YYYY-MM-DD HH:MM:SS" (UTC, as SQLite writes it) or Unix seconds/milliseconds.',
    ),
  container: identifier.optional().describe('Column for the container (a chat, a channel, a folder).'),
  thread: identifier.optional().describe('Column for the conversation/thread id.'),
  url: identifier.optional().describe('Column for a link back.'),
  metadata: z.array(identifier).default([]).describe('Columns copied into item metadata.'),
});
export type ColumnMap = z.output<typeof ColumnMapSchema>;

export const DeleteWhenSchema = z.object({
  column: identifier.describe('Column that marks a row as a deletion (a change-type or soft-delete column).'),
  values: z
    .array(z.union([z.string(), z.number()]))
    .min(1)
    .describe('Values of that column meaning "deleted", e.g. ["delete"] or [1].'),
});

/** Config of a `sqlite` source. */
export const SqliteConfigSchema = z
  .object({
    dbPath: z
      .string()
      .min(1)
      .transform(expandHome)
      .refine((p) => path.isAbsolute(p), 'must be an absolute path (or start with ~/)')
      .describe('The SQLite database file; opened read-only (WAL databases are fine while another process writes).')
      .meta({ path: true }),
    table: identifier.optional().describe('Table to read. Give either table or query.'),
    query: z
      .string()
      .min(1)
      .max(20_000)
      .optional()
      .describe('A SELECT whose result is read instead of a table; it must return the cursor (and tie-break) columns.'),
    cursorColumn: identifier
      .default('id')
      .describe('Monotonic column pages are ordered by: an INTEGER PRIMARY KEY (or rowid), or a timestamp.'),
    cursorType: z
      .enum(['integer', 'timestamp'])
      .default('integer')
      .describe(
        'integer: strictly increasing ids (WHERE c > ?). timestamp: values may repeat, so (c, tieBreakColumn) is the cursor (c >= ? with a tie-break).',
      ),
    tieBreakColumn: identifier
      .default('rowid')
      .describe(
        'With a timestamp cursor: a unique increasing column that orders rows with the same timestamp (rowid in table mode).',
      ),
    columns: ColumnMapSchema.describe('Result columns → item fields.'),
    contentType: z
      .enum(['text', 'markdown', 'html', 'code'])
      .default('text')
      .describe('Content type of the content column.'),
    deleteWhen: DeleteWhenSchema.optional().describe(
      'Rows that mean "this record was deleted" become deletes of their externalId instead of items.',
    ),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(500)
      .describe('Rows per page (LIMIT), one committed batch each.'),
    pollIntervalMs: z
      .number()
      .int()
      .min(250)
      .default(60_000)
      .describe('How often the scheduler starts a read (one read is one pass to the current end).'),
  })
  .refine((c) => (c.table === undefined) !== (c.query === undefined), {
    message: 'give exactly one of table or query',
    path: ['table'],
  });
export type SqliteConfig = z.output<typeof SqliteConfigSchema>;
