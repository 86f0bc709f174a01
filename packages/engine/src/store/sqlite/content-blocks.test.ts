import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chat, newSource, prepared } from '../contract-support.js';
import { BLOCK_CHARS, decodeContent, decodeSpan, encodeContent } from './content-codec.js';
import { createSqliteStore } from './index.js';
import { LATEST_SQLITE_VERSION } from './migrations.js';

/**
 * A long text whose block boundaries fall inside a surrogate pair and among accented letters, with rare words deep
 * inside: the first at ~3.5 blocks in, the second near the end.
 */
const filler = (n: number): string =>
  Array.from({ length: n }, (_, i) => `Line ${i}: déjà vu of the diff hunk ${i % 97}, unchanged.`).join('\n');
const head = filler(1000);
const pad = 'x'.repeat(BLOCK_CHARS - 1 - (head.length % BLOCK_CHARS));
// '😀' is two UTF-16 units: its first lands on the last unit of a block, so a naive cut would split the pair.
const LONG = `${head}${pad}😀${filler(3000)} the zanzibar clause ${filler(2000)} and a final quokka.`;

describe('stored content in blocks (format 3)', () => {
  it('stores text longer than a block in blocks and reads it back exactly, whole and by span', () => {
    expect(LONG.length).toBeGreaterThan(3 * BLOCK_CHARS);
    const packed = encodeContent(LONG) as Buffer;
    expect(Buffer.isBuffer(packed)).toBe(true);
    expect(packed[0]).toBe(3);
    expect(packed.length).toBeLessThan(Buffer.byteLength(LONG) / 4);
    expect(decodeContent(packed)).toBe(LONG);
    // Text up to a block long keeps format 2.
    expect((encodeContent(LONG.slice(0, BLOCK_CHARS)) as Buffer)[0]).toBe(2);

    const at = (s: string) => LONG.indexOf(s);
    const spans: Array<[number, number]> = [
      [0, 10],
      [0, 0],
      [BLOCK_CHARS - 5, 10], // across the first boundary
      [head.length + pad.length - 1, 4], // the surrogate pair that straddles a boundary
      [at('zanzibar') - 900, 1800],
      [at('quokka') - 50, 500], // past the end: cut as slice() cuts
      [LONG.length + 10, 5],
      [2 * BLOCK_CHARS, 3 * BLOCK_CHARS], // several whole blocks
    ];
    for (const [a, n] of spans) expect(decodeSpan(packed, a, n), `${a}+${n}`).toBe(LONG.slice(a, a + n));
    // Every other stored form reads by span the same way.
    const brotli = Buffer.concat([Buffer.of(2), brotliCompressSync(LONG)]);
    expect(decodeSpan(brotli, at('zanzibar'), 8)).toBe('zanzibar');
    expect(decodeSpan('plain text', 6, 4)).toBe('text');
    expect(decodeSpan(null, 0, 4)).toBe('');
  });

  it('inflates only the part of a block before the span end (a damaged tail of the block is never read)', () => {
    // Words drawn by a fixed LCG: text that compresses like prose, not like the repetitive filler above.
    let seed = 7;
    const rand = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const words = ['heron', 'déjà', 'river', 'kwset', 'grün', 'patch', 'Ω', 'branch', '😀', 'sparse', 'x'];
    const parts: string[] = [];
    for (let n = 0; n < 2 * BLOCK_CHARS;) {
      const w = `${words[rand(words.length)]}${rand(1000)}`;
      parts.push(w);
      n += w.length + 1;
    }
    const text = parts.join(' ');
    const packed = encodeContent(text) as Buffer;
    expect(packed[0]).toBe(3);
    for (let k = 0; k < 200; k++) {
      const at = rand(text.length);
      const len = rand(3000);
      expect(decodeSpan(packed, at, len), `${at}+${len}`).toBe(text.slice(at, at + len));
    }
    // The first block's stream with its last 2 KB zeroed: a whole inflate fails, a span near its start still reads.
    const firstLength = packed.readUInt32LE(9);
    const damaged = Buffer.from(packed);
    damaged.fill(0, 5 + 8 * packed.readUInt32LE(1) + firstLength - 2048, 5 + 8 * packed.readUInt32LE(1) + firstLength);
    expect(() => decodeContent(damaged)).toThrow();
    expect(decodeSpan(damaged, 100, 2000)).toBe(text.slice(100, 2100));
  });

  it('migration 11 converts long format-2 text to blocks; text, sizes, search, export and erase unchanged', async () => {
    let progress: (p: { version: number; done: number; total: number }) => void = () => undefined;
    const store = createSqliteStore({ path: ':memory:', onMigrationProgress: (p) => progress(p) });
    await store.migrate();
    const src = await newSource(store);
    await store.commitPage({
      sourceId: src.id,
      runId: null,
      checkpoint: undefined,
      items: prepared([chat('long', LONG, { title: 'A long patch' }), chat('short', `a quokka ${filler(20)}`)]),
      deletes: [],
    });
    const db = store.db;
    const stored = () =>
      db.prepare(`SELECT content, content_bytes AS bytes FROM memories WHERE external_id = 'long'`).get() as {
        content: Buffer;
        bytes: number;
      };
    expect(stored().content[0]).toBe(3);
    // As a store written before migration 11 holds it: one Brotli stream (format 2), the migration not applied.
    db.prepare(`UPDATE memories SET content = ? WHERE external_id = 'long'`).run(
      Buffer.concat([Buffer.of(2), brotliCompressSync(LONG)]),
    );
    db.prepare(
      `INSERT INTO memory_versions (memory_id, version, title, content, content_hash, superseded_at)
      SELECT id, 0, title, ?, 'h0', 'then' FROM memories WHERE external_id = 'long'`,
    ).run(Buffer.concat([Buffer.of(2), brotliCompressSync(`old ${LONG}`)]));
    db.prepare(`DELETE FROM schema_migrations WHERE version >= 11`).run();
    const usage = await store.usage({ sourceId: src.id });
    const snippets = async (text: string) => (await store.search({ text })).hits.map((h) => h.snippet);
    const before = { zanzibar: await snippets('zanzibar'), quokka: await snippets('quokka') };
    expect(before.zanzibar[0]).toContain('the <mark>zanzibar</mark> clause');

    const reports: Array<{ version: number; done: number; total: number }> = [];
    progress = (p) => reports.push(p);
    // Migrations 12 and 13 undone too: they run again after 11.
    db.exec(`DROP TRIGGER chunks_siblings_ai; DROP TRIGGER chunks_siblings_ad; DROP TABLE chunk_siblings;`);
    db.exec(`DROP TRIGGER memories_importance_ai; DROP TRIGGER memories_importance_au; DROP TABLE importance_bounds;`);
    expect(await store.migrate()).toMatchObject({ current: LATEST_SQLITE_VERSION, latest: LATEST_SQLITE_VERSION });
    // The long memory and its old version: one report at the end (reports come per 100 rows and at the last).
    const reports11 = reports.filter((r) => r.version === 11);
    expect(reports11.map(({ version, done, total }) => ({ version, done, total }))).toEqual([
      { version: 11, done: 2, total: 2 },
    ]);
    expect(stored().content[0]).toBe(3);
    expect(stored().bytes).toBe(Buffer.byteLength(LONG));
    const version = db.prepare(`SELECT content FROM memory_versions`).pluck().get() as Buffer;
    expect(version[0]).toBe(3);
    expect(await store.usage({ sourceId: src.id })).toEqual(usage);
    expect({ zanzibar: await snippets('zanzibar'), quokka: await snippets('quokka') }).toEqual(before);
    const id = (await store.search({ text: 'zanzibar' })).hits[0]!.memoryId;
    const memory = (await store.getMemory(id))!;
    expect(memory.content).toBe(LONG);
    expect(memory.versions[0]!.content).toBe(`old ${LONG}`);
    const exported: string[] = [];
    for await (const m of store.exportMemories(src.id)) exported.push(m.content);
    expect(exported).toContain(LONG);

    await store.eraseMemories([id]);
    expect((await store.getMemory(id))?.content ?? '').toBe('');
    expect(await store.search({ text: 'zanzibar' })).toEqual({ hits: [] });
    await store.close();
  });
});
