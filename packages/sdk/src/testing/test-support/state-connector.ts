import { abortError } from '../../clock.js';
import { defineConnector } from '../../connector.js';
import type { Item } from '../../item.js';
import { z } from 'zod';
import type { MemoryUpstream } from './memory-connector.js';

/** Ways to break the state connector, one per failure the kit must detect. */
export type StateDefect = 'state-ahead' | 'map-in-checkpoint';

/**
 * A scanning connector like obsidian or files: every read lists the whole upstream, compares each note's
 * revision with its connector-state record, yields what differs, and finds deletions by listing state. Its
 * checkpoint is a flat counter; everything per note lives in state.
 */
export function createStateConnector(upstream: MemoryUpstream, defect?: StateDefect) {
  return defineConnector({
    manifest: {
      name: 'state-notes',
      version: '1.0.0',
      sdk: '^1.0.0',
      title: 'State notes',
      description: 'Notes held in memory, scanned against connector state, for testing the conformance kit.',
      auth: { type: 'none' },
      streams: ['notes'],
      capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
      config: z.object({ pageSize: z.number().int().positive().default(2) }),
      checkpoint: z.object({
        scans: z.number().int().nonnegative(),
        seen: z.record(z.string(), z.number()).optional(),
      }),
    },
    async check() {
      return { ok: true, message: 'ok' };
    },
    async *read(ctx) {
      const scans = (ctx.checkpoint?.scans ?? 0) + 1;
      const live = [...upstream.records.entries()].filter(([, r]) => !r.deleted).sort(([a], [b]) => (a < b ? -1 : 1));
      const seen: Record<string, number> = {};
      for (let i = 0; i < live.length; i += ctx.config.pageSize) {
        if (ctx.signal.aborted) throw abortError(ctx.signal);
        const batch = live.slice(i, i + ctx.config.pageSize);
        // A first sync has nothing in state (the engine gives an empty view): skip the lookups.
        const stored = ctx.checkpoint ? await ctx.state.getMany(batch.map(([id]) => id)) : new Map<string, unknown>();
        const items: Item[] = [];
        const set: Record<string, unknown> = {};
        for (const [id, r] of batch) {
          seen[id] = r.seq;
          if (stored.get(id) === r.seq) continue;
          items.push({ externalId: id, stream: 'notes', title: id, content: r.text });
          set[id] = r.seq;
        }
        // The defect: marks every note as read with the first page, before the engine committed their items.
        if (defect === 'state-ahead' && i === 0) for (const [id, r] of live) set[id] = r.seq;
        yield {
          items,
          state: { set },
          // Mid-scan the counter stays: a resume rescans and finds what is left by comparing with state.
          checkpoint: { scans: scans - 1, ...(defect === 'map-in-checkpoint' ? { seen: { ...seen } } : {}) },
        };
      }
      const upstreamIds = new Set(live.map(([id]) => id));
      const gone: string[] = [];
      for await (const [id] of ctx.state.list()) if (!upstreamIds.has(id)) gone.push(id);
      yield {
        deletes: gone,
        state: { delete: gone },
        checkpoint: { scans, ...(defect === 'map-in-checkpoint' ? { seen } : {}) },
      };
    },
  });
}
