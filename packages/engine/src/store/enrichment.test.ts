import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Item } from '@tributary/sdk';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline, isFailure } from '../pipeline/prepare.js';
import { reenrichMemories } from '../engine/reenrich.js';
import { createSqliteStore } from './sqlite/index.js';
import { createPostgresStore } from './postgres/index.js';
import type { MemoryStore, PreparedItem } from './types.js';

const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-enrich-'));
const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
const schemas: string[] = [];
const stores: MemoryStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

const backends: Array<[string, () => MemoryStore]> = [
  ['sqlite', () => createSqliteStore({ path: path.join(dir, `s-${stores.length}.db`) })],
  [
    'postgres',
    () => {
      const schema = `enrich_${process.pid}_${schemas.length}_${Math.random().toString(36).slice(2, 8)}`;
      schemas.push(schema);
      return createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
    },
  ],
];

const slack = createPipeline({ connector: 'slack' });
function prep(items: Item[]): PreparedItem[] {
  return items.map((i) => {
    const p = slack.prepare(i, slack.fingerprint(i));
    if (isFailure(p)) throw new Error(p.message);
    return p;
  });
}
const msg = (id: string, content: string, metadata: Record<string, unknown> = {}): Item => ({
  externalId: id,
  stream: 'messages',
  content,
  contentType: 'text',
  occurredAt: '2026-01-01T00:00:00.000Z',
  metadata,
});

describe.each(backends)('enrichment on %s', (_name, make) => {
  let store: MemoryStore;
  let sourceId: string;
  beforeEach(async () => {
    store = make();
    stores.push(store);
    await store.migrate();
    sourceId = (await store.createSource({ ownerId: 'local', sourceType: 'slack', name: 'w', config: {} })).id;
    await store.commitPage({
      sourceId,
      runId: null,
      deletes: [],
      checkpoint: undefined,
      items: prep([
        // Same text twice: full text alone cannot tell them apart (ties go to the older row, `plain`).
        msg('plain', 'the quarterly budget and invoice for the offsite'),
        msg('hot', 'the quarterly budget and invoice for the offsite', {
          replyCount: 12,
          reactions: [{ name: 'eyes', count: 5 }],
          starred: true,
        }),
        msg('trip', 'flight to Lisbon and the hotel booking, budget approved'),
      ]),
    });
  });

  it('stores importance and domain and returns them in search and timeline', async () => {
    const { hits } = await store.search({ text: 'budget' });
    const byId = new Map(hits.map((h) => [h.externalId, h]));
    expect(byId.get('hot')!.importance).toBeGreaterThan(byId.get('plain')!.importance! + 0.3);
    expect(byId.get('plain')!.domain).toBe('finance');
    expect(byId.get('trip')!.domain).toBe('travel');
    const { entries } = await store.timeline({});
    expect(entries.find((e) => e.externalId === 'hot')!.importance).toBe(byId.get('hot')!.importance);
    expect((await store.getMemoryByExternalId(sourceId, 'trip'))!.domain).toBe('travel');
  });

  it('filters by min_importance and domain', async () => {
    const hot = (await store.getMemoryByExternalId(sourceId, 'hot'))!.importance!;
    const high = await store.search({ text: 'budget', minImportance: hot });
    expect(high.hits.map((h) => h.externalId)).toEqual(['hot']);
    const travel = await store.search({ text: 'budget', domains: ['travel'] });
    expect(travel.hits.map((h) => h.externalId)).toEqual(['trip']);
    const tl = await store.timeline({ domains: ['finance'], minImportance: 0.5 });
    expect(tl.entries.map((e) => e.externalId)).toEqual(['hot']);
    expect((await store.search({ text: 'budget', domains: ['health'] })).hits).toEqual([]);
  });

  it('ranks the more important of two equally relevant memories first', async () => {
    const { hits } = await store.search({ text: 'quarterly budget' });
    expect(hits.map((h) => h.externalId).slice(0, 2)).toEqual(['hot', 'plain']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('re-scores stored memories without a re-fetch (new taxonomy)', async () => {
    const result = await reenrichMemories(store, {
      domains: { events: { keywords: ['offsite'] }, travel: { keywords: ['flight'] } },
    });
    expect(result.scanned).toBe(3);
    expect(result.changed).toBe(2); // plain and hot move from finance to events; trip stays travel
    expect((await store.getMemoryByExternalId(sourceId, 'plain'))!.domain).toBe('events');
    const again = await reenrichMemories(store, {
      domains: { events: { keywords: ['offsite'] }, travel: { keywords: ['flight'] } },
    });
    expect(again.changed).toBe(0);
  });
});
