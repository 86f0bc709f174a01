import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeed } from './parse.js';
import { RSS_PARSER_DIR } from './test-data.js';

/**
 * rss-parser's expected outputs were made by reading latin-1 feeds as UTF-8, so their accented letters are
 * U+FFFD. Such a string matches ours when each run of U+FFFD stands for one or two non-ASCII characters.
 */
function sameAsLossy(expected: string, actual: string): boolean {
  if (!expected.includes('\uFFFD')) return expected === actual;
  const pattern = expected
    .split(/\uFFFD+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^\\x00-\\x7F]{1,2}');
  return new RegExp(`^${pattern}$`).test(actual);
}

const inputs = readdirSync(path.join(RSS_PARSER_DIR, 'input')).sort();

describe('rss-parser test feeds', () => {
  it('holds the 31 feeds named in PROVENANCE.md', () => {
    expect(inputs).toHaveLength(31);
  });

  for (const file of inputs) {
    const name = file.replace(/\.[a-z]+$/, '');
    const outputFile = path.join(RSS_PARSER_DIR, 'output', `${name}.json`);
    const bytes = readFileSync(path.join(RSS_PARSER_DIR, 'input', file));
    if (file === 'unrecognized.rss') {
      it(`${file}: an HTML page, refused with a clear error`, async () => {
        await expect(parseFeed(bytes)).rejects.toThrow(/not recognized/i);
      });
      continue;
    }
    it(`${file}: parses; titles, links and dates match the expected output`, async () => {
      const feed = await parseFeed(bytes);
      if (!existsSync(outputFile)) {
        // No expected output (rss-parser only checks it parses): it must still yield entries.
        expect(feed.entries.length).toBeGreaterThan(0);
        return;
      }
      const expected = (
        JSON.parse(readFileSync(outputFile, 'utf8')) as { feed: { items: Array<Record<string, string | undefined>> } }
      ).feed.items;
      expect(feed.entries).toHaveLength(expected.length);
      expected.forEach((e, i) => {
        const got = feed.entries[i]!;
        const where = `${file} item ${i}`;
        if (e.title === undefined) expect(got.title ?? '', where).toBe('');
        else
          expect(
            sameAsLossy(e.title.trim(), got.title ?? ''),
            `${where} title ${JSON.stringify(got.title)} vs ${JSON.stringify(e.title)}`,
          ).toBe(true);
        expect(got.link, `${where} link`).toBe(e.link?.trim());
        expect(got.published ?? got.updated, `${where} date`).toBe(e.isoDate);
      });
    });
  }

  it('reads the latin-1 feeds with their real characters', async () => {
    const feed = await parseFeed(readFileSync(path.join(RSS_PARSER_DIR, 'input', 'encoding.rss')));
    expect(feed.encoding).toBe('iso-8859-1');
    expect(feed.entries[0]!.title).toBe('Mãe de utente é a nova presidente da Raríssimas');
    const uol = await parseFeed(readFileSync(path.join(RSS_PARSER_DIR, 'input', 'uolNoticias.rss')));
    expect(uol.entries[0]!.title).toBe('Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno');
    expect(uol.warning).toMatch(/windows-1252/);
  });
});
