import { describe, expect, it } from 'vitest';
import { chat, prepared } from '../contract-support.js';
import { chunkHash } from '../vector-queue.js';
import { schemaStore } from './test-support/schema-store.js';

const { open } = schemaStore('tchs');

describe('PostgreSQL chunk hashes follow the embedding switch', () => {
  it('writes no hash (and queues nothing) while off; enabling fills, queues, and hashes pages encoded before', async () => {
    const store = await open();
    const src = await store.createSource({ ownerId: 'local', sourceType: 't', name: 's', config: {} });
    const page = { sourceId: src.id, runId: null, deletes: [] as string[], checkpoint: undefined };
    const hashes = async () =>
      (
        await store.pool.query(
          `SELECT m.external_id, c.seq, c.content_hash FROM chunks c JOIN memories m ON m.id = c.memory_id
           ORDER BY m.external_id, c.seq`,
        )
      ).rows.map((r) => [r.external_id, r.content_hash]);
    const queued = async () => new Set((await store.embeddingQueue.next(100)).map((e) => e.hash));

    await store.commitPage({
      ...page,
      items: prepared([chat('off', 'written while embeddings are off'), chat('stays', 'never changes')]),
    });
    expect(await hashes()).toEqual([
      ['off', null],
      ['stays', null],
    ]);
    expect(await store.embeddingQueue.size()).toBe(0);

    // Encoded ahead while the store still believed embeddings off, committed after they were turned on.
    const early = prepared([chat('early', 'encoded before the switch')]);
    store.encodeItems!(early);
    await store.embeddingQueue.enable();
    await store.commitPage({ ...page, items: early });
    const earlyHash = chunkHash(0, null, 'encoded before the switch');
    expect(await hashes()).toEqual([
      ['early', earlyHash],
      ['off', null],
      ['stays', null],
    ]);
    expect(await queued()).toEqual(new Set([earlyHash]));

    // An item that changes after the switch: its new chunk is hashed and queued by the update path.
    await store.commitPage({ ...page, items: prepared([chat('off', 'changed after the switch')]) });
    const changed = chunkHash(0, null, 'changed after the switch');
    expect(await queued()).toEqual(new Set([earlyHash, changed]));

    // What ensureEmbeddingModel does next: chunks written while off get their hash and are queued.
    const stays = chunkHash(0, null, 'never changes');
    await store.embeddingQueue.enqueueAll();
    expect(await hashes()).toEqual([
      ['early', earlyHash],
      ['off', changed],
      ['stays', stays],
    ]);
    expect(await queued()).toEqual(new Set([earlyHash, changed, stays]));
  });
});
