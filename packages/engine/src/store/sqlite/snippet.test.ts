import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../fts-query.js';
import { decodeContent, encodeContent } from './content-codec.js';
import { snippet, snippetTerms } from './snippet.js';

const LONG =
  'Intro line without the word. ' +
  Array.from({ length: 30 }, (_, i) => `Sentence ${i} is filler text about nothing much.`).join(' ') +
  ' Here the heron stands in the river: a grey heron, patient. ' +
  Array.from({ length: 20 }, (_, i) => `More filler ${i}.`).join(' ') +
  ' The end mentions a heron again.';
const DOCS = [
  'a short note about herons',
  'Le café de l’École est fermé; CAFÉ ouvert demain',
  LONG,
  'snake_case_name and __CYGWIN__ builds, v2.3.1 released (e-mail us)',
  '## Heading\n\n- [x] Ship the importer\n- [ ] Test the importer twice',
  'title only matches here',
  // Many instances, sentence ends followed by various blanks (or none: `v2.3`, `heron.c`): the windows of a word
  // that recurs all over a chunk.
  Array.from({ length: 90 }, (_, i) =>
    i % 7 === 0 ? `Heron ${i}: the grey heron flies.` : `Filler ${i} about the river${i % 4 ? '.' : ':'}`,
  ).join(' \t\n'),
  Array.from({ length: 90 }, (_, i) =>
    i % 7 === 0 ? `Heron ${i}: the grey heron.c flies.` : `Filler v${i}.${i} about the river${i % 4 ? '.' : ':'}`,
  ).join(' \t\n'),
];
const QUERIES = [
  'heron*',
  '"grey heron"',
  'cafe',
  'ecole ouvert',
  'importer',
  'cygwin',
  'snake_case_name',
  'heron OR river',
];

/** FTS5's own snippet() over a table that keeps its content: what the contentless index can no longer compute. */
function fts5Snippets(match: string): Map<number, string> {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='unicode61 remove_diacritics 2')`);
  const insert = db.prepare(`INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)`);
  DOCS.forEach((d, i) => insert.run(i + 1, i === 5 ? 'heron importer' : null, d));
  const rows = db
    .prepare(`SELECT rowid, snippet(t, 1, '<mark>', '</mark>', '…', 24) AS s FROM t WHERE t MATCH ?`)
    .all(match) as Array<{ rowid: number; s: string }>;
  db.close();
  return new Map(rows.map((r) => [r.rowid, r.s]));
}

describe('snippets cut in TypeScript', () => {
  it("equal FTS5's snippet() for words, prefixes, phrases, accents, OR and long texts", () => {
    let compared = 0;
    for (const q of QUERIES) {
      const match = toFtsQuery(q);
      for (const [rowid, expected] of fts5Snippets(match)) {
        expect(
          snippet(DOCS[rowid - 1]!, snippetTerms(match), '<mark>', '</mark>', '…', 24),
          `${q} / doc ${rowid}`,
        ).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(8);
  });

  it('reads the terms of the full FTS5 syntax (operators, columns and grouping are not terms)', () => {
    expect(snippetTerms('title:heron AND ("grey heron"* OR river) NOT fish')).toEqual([
      { words: ['heron'], prefix: false },
      { words: ['grey', 'heron'], prefix: true },
      { words: ['river'], prefix: false },
      { words: ['fish'], prefix: false },
    ]);
  });
});

describe('stored content', () => {
  it('keeps short text plain and compresses long text behind a format byte, reading both back exactly', () => {
    expect(encodeContent('short note')).toBe('short note');
    const packed = encodeContent(LONG);
    expect(Buffer.isBuffer(packed)).toBe(true);
    expect((packed as Buffer).length).toBeLessThan(Buffer.byteLength(LONG) / 2);
    expect(decodeContent(packed)).toBe(LONG);
    expect(decodeContent('plain')).toBe('plain');
    expect(() => decodeContent(Buffer.from([9, 1, 2]))).toThrow(/format 9/);
  });
});
