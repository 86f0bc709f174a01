import { defineConnector, type Page } from '@tributary/sdk';
import { syntheticCheckpoint, syntheticConfig } from './config.js';
import { syntheticItem } from './map.js';

/** Fixed start of the synthetic timeline (one item a minute) so content is stable across runs and machines. */
export const SYNTHETIC_START = Date.UTC(2025, 0, 1);

function changeSignature(config: { revision: Record<string, number>; deleted: number[] }): string {
  return JSON.stringify([Object.entries(config.revision).sort(), [...config.deleted].sort((a, b) => a - b)]);
}

/**
 * A deterministic generated source for benchmarks, demos and engine tests: `count` items read in pages,
 * new items appended when `count` grows, edits via `revision`, deletions via `deleted`.
 */
export const synthetic = defineConnector({
  manifest: {
    name: 'synthetic',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Synthetic',
    description: 'Generated chat messages or documents, for benchmarks and trying Tributary without any data.',
    auth: { type: 'none' },
    config: syntheticConfig,
    checkpoint: syntheticCheckpoint,
    features: {},
    streams: ['messages', 'documents'],
    capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
    kind: 'local',
  },
  async check() {
    return { ok: true, message: 'Synthetic source ready.' };
  },
  async *read(ctx) {
    const { count, pageSize, kind, seed, revision, deleted, latencyMs, text } = ctx.config;
    const deletedSet = new Set(deleted);
    const minIndex = ctx.since ? Math.max(0, Math.ceil((ctx.since.getTime() - SYNTHETIC_START) / 60_000)) : 0;
    let position = Math.max(ctx.checkpoint?.position ?? 0, minIndex);
    const signature = changeSignature(ctx.config);
    // Edits and deletions of already-read items are reported first, once per change set.
    if (ctx.checkpoint && ctx.checkpoint.changes !== signature) {
      const items = Object.entries(revision)
        .map(([i]) => Number(i))
        .filter((i) => i < position && !deletedSet.has(i))
        .map((i) => syntheticItem(i, { seed, kind, text, revision: revision[String(i)] ?? 1, start: SYNTHETIC_START }));
      const deletes = deleted.filter((i) => i < position).map((i) => (kind === 'chat' ? `msg-${i}` : `doc-${i}`));
      yield { items, deletes, checkpoint: { position, changes: signature } };
    }
    while (position < count) {
      if (ctx.signal.aborted) return;
      if (latencyMs) await ctx.clock.sleep(latencyMs, ctx.signal);
      const end = Math.min(count, position + pageSize);
      const items = [];
      for (let i = position; i < end; i++) {
        if (deletedSet.has(i)) continue;
        items.push(syntheticItem(i, { seed, kind, text, revision: revision[String(i)] ?? 1, start: SYNTHETIC_START }));
      }
      position = end;
      const page: Page<{ position: number; changes: string }> = { items, checkpoint: { position, changes: signature } };
      yield page;
      ctx.progress({ phase: 'reading', done: position, total: count });
    }
    if (
      position === 0 ||
      (ctx.checkpoint && ctx.checkpoint.position === position && ctx.checkpoint.changes === signature)
    ) {
      // Nothing new: still confirm the checkpoint so a full refresh completes.
      if (!ctx.checkpoint) yield { items: [], checkpoint: { position, changes: signature } };
    }
  },
});

export default synthetic;
