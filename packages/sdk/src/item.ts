import { z } from 'zod';

/** What a connector yields for one upstream thing (a message, a commit, a note, a page visit …). */
export const ContentTypeSchema = z.enum(['text', 'markdown', 'html', 'code']);
export type ContentType = z.infer<typeof ContentTypeSchema>;

export const ItemSchema = z
  .object({
    /** Stable id of the thing upstream; with the source id it identifies the memory forever. */
    externalId: z.string().min(1).max(1024),
    /** The stream it belongs to, one of the manifest's `streams` (messages, issues, commits …). */
    stream: z.string().min(1).max(64),
    content: z.string(),
    contentType: ContentTypeSchema.default('text'),
    title: z.string().max(2000).optional(),
    url: z.string().max(4096).optional(),
    author: z.string().max(512).optional(),
    /** When it happened upstream (ISO 8601). */
    occurredAt: z.string().datetime({ offset: true }).optional(),
    /** Where it lives: channel, repo, folder, mailbox. */
    container: z.string().max(1024).optional(),
    /** Conversation it belongs to: a Slack thread, a mail thread, an issue. */
    thread: z.string().max(1024).optional(),
    tags: z.array(z.string().min(1).max(200)).max(200).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type Item = z.input<typeof ItemSchema>;
export type ValidItem = z.output<typeof ItemSchema>;

/** A flat, serializable cursor. Connectors describe theirs with a zod schema in the manifest. */
export type Checkpoint = Record<string, unknown>;

/** Longest connector-state key (a file path, a folder name, `prefix:id` …). */
export const STATE_KEY_MAX = 1024;

const StateKeySchema = z.string().min(1).max(STATE_KEY_MAX);

/**
 * Connector-state changes of a page: per-source key → JSON value records (a file's mtime and hash, a folder's
 * UIDVALIDITY), committed in the same transaction as the page's items, deletes and checkpoint. `delete` is
 * applied before `set`, so a key in both ends up set.
 */
export const PageStateSchema = z
  .object({
    set: z.record(StateKeySchema, z.unknown()).optional(),
    delete: z.array(StateKeySchema).optional(),
  })
  .strict();
export type PageState = z.infer<typeof PageStateSchema>;

/**
 * What `read()` yields: a page of items and deletions, connector-state changes, and the checkpoint that describes
 * everything up to and including this page. The engine commits them in one transaction.
 */
export interface Page<K extends Checkpoint = Checkpoint> {
  items?: Item[];
  /** External ids gone upstream: they become tombstones. */
  deletes?: string[];
  checkpoint: K;
  /**
   * Per-key records to keep between runs (anything per file, folder or channel: never in the checkpoint). Read
   * back through `ctx.state`. Committed with this page; a crash before the commit discards it with the items.
   */
  state?: PageState;
  /** Per-item failures the connector skipped (a corrupt file, a malformed line): counted and shown in the run. */
  errors?: Array<{ externalId?: string; message: string }>;
}
