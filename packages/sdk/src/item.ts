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

/**
 * What `read()` yields: a page of items and deletions, and the checkpoint that describes everything up to and
 * including this page. The engine commits the three in one transaction.
 */
export interface Page<K extends Checkpoint = Checkpoint> {
  items?: Item[];
  /** External ids gone upstream: they become tombstones. */
  deletes?: string[];
  checkpoint: K;
  /** Per-item failures the connector skipped (a corrupt file, a malformed line): counted and shown in the run. */
  errors?: Array<{ externalId?: string; message: string }>;
}
