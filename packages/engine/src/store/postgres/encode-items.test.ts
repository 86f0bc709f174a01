import { describe, expect, it } from 'vitest';
import { chat, prepared } from '../contract-support.js';
import { schemaStore } from './test-support/schema-store.js';

const { open } = schemaStore('tenc');

const items = () =>
  prepared([
    chat('q', 'quotes " and \\ backslashes, {braces}, commas; NULL and "NULL" #tag-one', { tags: ['a"b', 'c\\d'] }),
    chat('u', 'ünïcödé — text with émoji 🎉 and a tab\there'),
    {
      externalId: 'doc',
      stream: 'documents',
      title: 'A "titled" doc',
      content: `# One\n\n${'first section words '.repeat(80)}\n\n# Two\n\n${'second section words '.repeat(80)}`,
      contentType: 'markdown',
      url: 'https://example.com/doc?a=1&b="2"',
      metadata: { k: 'v "quoted"', n: 1 },
    },
  ]);

describe('PostgreSQL write path: items encoded ahead of their commit', () => {
  it('stores exactly what a commit without pre-encoding stores (memories and chunks)', async () => {
    const store = await open();
    const ahead = await store.createSource({ ownerId: 'local', sourceType: 't', name: 'ahead', config: {} });
    const plain = await store.createSource({ ownerId: 'local', sourceType: 't', name: 'plain', config: {} });
    const early = items();
    store.encodeItems!(early);
    const page = { runId: null, deletes: [], checkpoint: undefined };
    expect(await store.commitPage({ ...page, sourceId: ahead.id, items: early })).toMatchObject({ created: 3 });
    expect(await store.commitPage({ ...page, sourceId: plain.id, items: items() })).toMatchObject({ created: 3 });
    const rows = async (sourceId: string) =>
      (
        await store.pool.query(
          `SELECT m.external_id, m.stream, m.title, m.content, m.content_type, m.url, m.metadata, m.tags, m.content_hash,
             m.fingerprint, c.seq, c.heading, c.title AS chunk_title, c.text, c.content_hash AS chunk_hash, c.tsv::text
           FROM memories m JOIN chunks c ON c.memory_id = m.id WHERE m.source_id = $1 ORDER BY m.external_id, c.seq`,
          [sourceId],
        )
      ).rows;
    const a = await rows(ahead.id);
    expect(a.length).toBeGreaterThan(3); // the document has several chunks
    expect(a).toEqual(await rows(plain.id));
    const q = a.find((r) => r.external_id === 'q')!;
    expect(q.content).toContain('quotes " and \\ backslashes, {braces}');
    expect(q.tags).toEqual(expect.arrayContaining(['a"b', 'c\\d']));
  });
});
