import { abortError } from '../../clock.js';
import { defineConnector } from '../../connector.js';
import { TributaryError } from '../../errors.js';
import type { Item, Page } from '../../item.js';
import { z } from 'zod';
import type { ConformanceFixture, Mutation } from '../fixture.js';

/**
 * An in-memory upstream with a change log: every write or delete gets the next sequence number, so a checkpoint
 * `{ seq }` means "every change up to seq is covered".
 */
export interface MemoryUpstream {
  records: Map<string, { text: string; seq: number; deleted: boolean }>;
  seq: number;
  put(id: string, text: string): void;
  remove(id: string): void;
  reset(count: number): void;
}

export function createMemoryUpstream(): MemoryUpstream {
  const up: MemoryUpstream = {
    records: new Map(),
    seq: 0,
    put(id, text) {
      up.records.set(id, { text, seq: ++up.seq, deleted: false });
    },
    remove(id) {
      const r = up.records.get(id);
      if (r) up.records.set(id, { ...r, seq: ++up.seq, deleted: true });
    },
    reset(count) {
      up.records.clear();
      up.seq = 0;
      for (let i = 1; i <= count; i++) up.put(`note-${i}`, `Note number ${i}`);
    },
  };
  return up;
}

/** Ways to break the connector, one per conformance failure the kit must detect. */
export type Defect =
  | 'skip-on-resume'
  | 'checkpoint-ahead'
  | 'undeclared-stream'
  | 'ignores-abort'
  | 'date-in-checkpoint'
  | 'random-content'
  | 'duplicate-in-page'
  | 'check-crashes'
  | 'incremental-rereads-all'
  | 'no-deletes'
  | 'bad-item'
  | 'commits-before-yield';

const configSchema = z.object({
  pageSize: z.number().int().positive().default(2).describe('Items per page'),
  label: z.string().min(1).describe('A label to show that config parsing works'),
});
const checkpointSchema = z.object({ seq: z.number().int().nonnegative() });

export function createMemoryConnector(upstream: MemoryUpstream, defect?: Defect) {
  // 'commits-before-yield': remembers its position when it fetches a page rather than when the engine commits it
  // (like a mailbox that marks mail read on fetch); a complete read forgets it, so only a mid-page crash shows it.
  let fetchedUpTo = 0;
  return defineConnector({
    manifest: {
      name: 'memory-notes',
      version: '1.0.0',
      sdk: '^1.0.0',
      title: 'Memory notes',
      description: 'Notes held in memory, for testing the conformance kit.',
      auth: { type: 'token' },
      streams: ['notes'],
      capabilities: { incremental: true, deletions: defect !== 'no-deletes', webhooks: false, fullRefresh: true },
      config: configSchema,
      checkpoint: checkpointSchema,
    },
    async check(ctx) {
      const cred = await ctx.credentials.get();
      // The defect: assumes a credential is always stored, so "no token" crashes with a TypeError.
      if (defect === 'check-crashes')
        return (cred as { token: string }).token === 'good-token'
          ? { ok: true, message: 'ok' }
          : { ok: false, message: 'token refused' };
      if (!cred || cred.kind !== 'token') return { ok: false, message: 'no token stored: connect the source again' };
      if (cred.token !== 'good-token')
        throw new TributaryError('auth_invalid', 'The token was refused: create a new one');
      return { ok: true, message: 'ok' };
    },
    async *read(ctx) {
      const full = ctx.checkpoint === undefined || ctx.mode === 'full_refresh';
      let from = full ? 0 : ctx.checkpoint!.seq;
      if (!full && defect === 'skip-on-resume') from += 1;
      if (!full && defect === 'commits-before-yield') from = Math.max(from, fetchedUpTo);
      const changes = [...upstream.records.entries()]
        .filter(([, r]) => r.seq > from && !(full && r.deleted))
        .sort((a, b) => a[1].seq - b[1].seq);
      const maxSeq = upstream.seq;
      for (let i = 0; i < changes.length; i += ctx.config.pageSize) {
        if (ctx.signal.aborted && defect !== 'ignores-abort') throw abortError(ctx.signal);
        const batch = changes.slice(i, i + ctx.config.pageSize);
        const items: Item[] = batch
          .filter(([, r]) => !r.deleted)
          .map(([id, r]) => ({
            externalId: id,
            stream: defect === 'undeclared-stream' && id === 'note-3' ? 'secrets' : 'notes',
            content: defect === 'random-content' ? `${r.text} ${Math.random()}` : r.text,
            title: id,
            ...(defect === 'bad-item' && id === 'note-2' ? { occurredAt: 'yesterday' } : {}),
          }));
        if (defect === 'duplicate-in-page' && items[0]) items.push({ ...items[0] });
        const deletes = defect === 'no-deletes' ? [] : batch.filter(([, r]) => r.deleted).map(([id]) => id);
        const seq = defect === 'checkpoint-ahead' ? maxSeq : batch[batch.length - 1]![1].seq;
        const checkpoint =
          defect === 'date-in-checkpoint' ? ({ seq, at: new Date(0) } as unknown as { seq: number }) : { seq };
        const page: Page<{ seq: number }> = { items, deletes, checkpoint };
        fetchedUpTo = seq;
        yield page;
      }
      fetchedUpTo = 0;
    },
  });
}

/** Re-reads everything on every run, to exercise the incremental-read defect without touching the reader. */
export function withRereadAll(
  connector: ReturnType<typeof createMemoryConnector>,
): ReturnType<typeof createMemoryConnector> {
  return { ...connector, read: (ctx) => connector.read({ ...ctx, checkpoint: undefined }) };
}

/** A fixture over a memory upstream: 7 notes (4 pages of 2), mutate adds one, edits one, deletes one. */
export function createMemoryFixture(
  upstream: MemoryUpstream,
  overrides: Partial<ConformanceFixture> = {},
): ConformanceFixture {
  return {
    config: { label: 'test' },
    credentials: { kind: 'token', token: 'good-token' },
    badSetups: [
      { name: 'wrong token', credentials: { kind: 'token', token: 'revoked-token' } },
      { name: 'no token', credentials: undefined },
      { name: 'config without label', config: {} },
    ],
    setup: () => upstream.reset(7),
    mutate: (): Mutation => {
      upstream.put('note-8', 'A new note');
      upstream.put('note-2', 'Note number 2, edited');
      upstream.remove('note-5');
      return { added: ['note-8'], changed: ['note-2'], deleted: ['note-5'] };
    },
    ...overrides,
  };
}
