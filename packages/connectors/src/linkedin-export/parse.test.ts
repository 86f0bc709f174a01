import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fixMojibake, parseArticleHtml, parseLinkedinDate, readCsv } from './parse.js';
import { articleHtml, connectionRow, csvText, messageRow } from './test-support/archive.js';

const rowsOf = async (text: string, key: string): Promise<Array<Record<string, string>>> => {
  const out = [];
  for await (const row of readCsv(Readable.from([Buffer.from(text)]), 'test.csv', key)) out.push(row);
  return out;
};

describe('parseLinkedinDate', () => {
  it.each([
    ['2023-06-11 15:33:58 UTC', '2023-06-11T15:33:58.000Z'], // messages.csv
    ['2023-06-11 15:33:58', '2023-06-11T15:33:58.000Z'], // Shares.csv, Comments.csv
    ['2020-03-01 10:15', '2020-03-01T10:15:00.000Z'], // articles
    ['2019-05-10 11:22:33.0', '2019-05-10T11:22:33.000Z'], // article file names
    ['15 Jan 2020', '2020-01-15T00:00:00.000Z'], // Connections.csv
    ['01/15/20', '2020-01-15T00:00:00.000Z'], // older Connections.csv
    ['Jan 2020', '2020-01-01T00:00:00.000Z'], // Positions.csv
    ['2014', '2014-01-01T00:00:00.000Z'],
  ])('%s → %s', (input, expected) => expect(parseLinkedinDate(input)).toBe(expected));

  it.each(['', '  ', 'yesterday', '2023-02-31 10:00:00', '31 Foo 2020', '13/40/20'])('rejects %j', (input) =>
    expect(parseLinkedinDate(input)).toBeUndefined(),
  );
});

describe('fixMojibake', () => {
  it('repairs UTF-8 written as Latin-1 and leaves correct text alone', () => {
    expect(fixMojibake('RenÃ© MÃ¼ller')).toBe('René Müller');
    expect(fixMojibake('René Müller')).toBe('René Müller');
    expect(fixMojibake('Ã alone')).toBe('Ã alone'); // not a valid UTF-8 sequence
    expect(fixMojibake('plain ascii')).toBe('plain ascii');
  });
});

describe('readCsv', () => {
  it('skips the Notes: preamble of Connections.csv and finds the header', async () => {
    const rows = await rowsOf(csvText('Connections.csv', [connectionRow(1), connectionRow(2)]), 'First Name');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ 'First Name': 'First1', URL: 'https://www.linkedin.com/in/person-1' });
    expect(rows[1]!['Connected On']).toBe('03 Mar 2021');
  });

  it('reads a BOM, CRLF line ends and multi-line quoted cells with doubled quotes', async () => {
    const text = csvText('messages.csv', [messageRow(1, 'Line one, "quoted"\r\nline two'), messageRow(2)]);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = await rowsOf(text, 'CONVERSATION ID');
    expect(rows.map((r) => r.CONTENT)).toEqual(['Line one, "quoted"\r\nline two', 'Hi, message 2.\nThanks!']);
    expect(Object.keys(rows[0]!)[0]).toBe('CONVERSATION ID'); // no BOM glued to the first header
  });

  it('pads short rows and fails clearly without the expected header', async () => {
    const rows = await rowsOf('Date,Link,Message\n2023-01-01 00:00:00,https://x\n', 'Message');
    expect(rows).toEqual([{ Date: '2023-01-01 00:00:00', Link: 'https://x', Message: '' }]);
    await expect(rowsOf('a,b\n1,2\n', 'Message')).rejects.toMatchObject({ code: 'record_invalid' });
  });
});

describe('parseArticleHtml', () => {
  it('reads title, link, dates and the body of an exported article', () => {
    const a = parseArticleHtml(articleHtml('Why sync is hard', '2020-03-01 10:15', '<p>Because &amp; so.</p>'));
    expect(a).toMatchObject({
      title: 'Why sync is hard',
      url: 'https://www.linkedin.com/pulse/why-sync-is-hard',
      created: '2020-03-01T10:15:00.000Z',
      published: '2020-03-01T10:15:00.000Z',
    });
    expect(a.html).toBe('<div><p>Because &amp; so.</p></div>');
  });

  it('falls back to the body of a bare HTML file', () => {
    expect(parseArticleHtml('<html><body><p>Only text</p></body></html>')).toEqual({ html: '<p>Only text</p>' });
  });
});
