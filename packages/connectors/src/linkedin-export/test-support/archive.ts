import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';

/**
 * Builds LinkedIn "Get a copy of your data" archives for tests, from the headers the export documents:
 * https://www.linkedin.com/help/linkedin/answer/a1339364 (what the archive holds) and the files of real archives.
 * Kept quirks: a BOM and CRLF line ends in messages.csv, multi-line quoted cells with doubled quotes, the "Notes:"
 * preamble before Connections.csv's header, the date formats of each file.
 */
export const HEADERS = {
  'Profile.csv': [
    'First Name',
    'Last Name',
    'Maiden Name',
    'Address',
    'Birth Date',
    'Headline',
    'Summary',
    'Industry',
    'Zip Code',
    'Geo Location',
    'Twitter Handles',
    'Websites',
    'Instant Messengers',
  ],
  'Positions.csv': ['Company Name', 'Title', 'Description', 'Location', 'Started On', 'Finished On'],
  'Connections.csv': ['First Name', 'Last Name', 'URL', 'Email Address', 'Company', 'Position', 'Connected On'],
  'Shares.csv': ['Date', 'ShareLink', 'ShareCommentary', 'SharedUrl', 'MediaUrl', 'Visibility'],
  'Comments.csv': ['Date', 'Link', 'Message'],
  'messages.csv': [
    'CONVERSATION ID',
    'CONVERSATION TITLE',
    'FROM',
    'SENDER PROFILE URL',
    'TO',
    'RECIPIENT PROFILE URLS',
    'DATE',
    'SUBJECT',
    'CONTENT',
    'FOLDER',
    'ATTACHMENTS',
  ],
} as const;

export type CsvFile = keyof typeof HEADERS;
export type Row = Record<string, string>;

export const CONNECTIONS_NOTES =
  'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing. You ' +
  'will only see email addresses for connections who have allowed their connections to see or download their email ' +
  'address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here ' +
  'https://www.linkedin.com/help/linkedin/answer/261"\n\n';

export interface ExportSpec {
  rows: Partial<Record<CsvFile, Row[]>>;
  /** Article file name (without .html) → its HTML. */
  articles: Record<string, string>;
}

const quote = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** One CSV file's text as LinkedIn writes it. */
export function csvText(file: CsvFile, rows: Row[]): string {
  const header = HEADERS[file] as readonly string[];
  const eol = file === 'messages.csv' ? '\r\n' : '\n';
  const lines = [header.join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))];
  const body = lines.join(eol) + eol;
  if (file === 'messages.csv') return `\ufeff${body}`;
  if (file === 'Connections.csv') return CONNECTIONS_NOTES + body;
  return body;
}

export function articleHtml(
  title: string,
  created: string,
  body: string,
  slug = title.toLowerCase().replace(/\W+/g, '-'),
): string {
  return (
    `<html><head><title>${title}</title></head><body><h1><a href="https://www.linkedin.com/pulse/${slug}">${title}</a></h1>` +
    `<p class="created">Created on ${created}</p><p class="published">Published on ${created}</p><div>${body}</div></body></html>`
  );
}

function entries(spec: ExportSpec): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [file, rows] of Object.entries(spec.rows) as Array<[CsvFile, Row[]]>)
    out[file] = strToU8(csvText(file, rows));
  for (const [name, html] of Object.entries(spec.articles)) out[`Articles/Articles/${name}.html`] = strToU8(html);
  return out;
}

/** Writes the archive as a .zip (as LinkedIn sends it) or as an unzipped folder. */
export function writeExport(target: string, spec: ExportSpec, as: 'zip' | 'folder' = 'zip'): void {
  const files = entries(spec);
  if (as === 'zip') {
    mkdirSync(path.dirname(target), { recursive: true });
    // a new file replaces the old one, as a fresh download does (another inode, so another archive key)
    writeFileSync(`${target}.tmp`, zipSync(files, { level: 1 }));
    renameSync(`${target}.tmp`, target);
    return;
  }
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(target, name)), { recursive: true });
    writeFileSync(path.join(target, name), bytes);
  }
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
/** `2023-MM-DD HH:MM:SS` for record i (one per hour from 2023-01-01). */
export const dateOf = (i: number): string => {
  const d = new Date(Date.UTC(2023, 0, 1) + i * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:00:00`;
};

export const shareRow = (
  i: number,
  text = `Post ${i}: shipping week notes.\nSecond line with "quotes", commas.`,
): Row => ({
  Date: dateOf(i),
  ShareLink: `https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A${7000000000000000000n + BigInt(i)}`,
  ShareCommentary: text,
  SharedUrl: i % 5 === 0 ? `https://example.org/article-${i}` : '',
  MediaUrl: '',
  Visibility: 'MEMBER_NETWORK',
});
export const shareUrnOf = (i: number): string => `urn:li:share:${7000000000000000000n + BigInt(i)}`;

export const commentRow = (i: number, text = `Comment ${i}, agreed.`): Row => ({
  Date: dateOf(i),
  Link: `https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A${6900000000000000000n + BigInt(i % 50)}`,
  Message: text,
});

export const messageRow = (i: number, text = `Hi, message ${i}.\nThanks!`): Row => ({
  'CONVERSATION ID': `2-conv${i % 40}`,
  'CONVERSATION TITLE': '',
  FROM: i % 2 ? 'Ana Müller' : 'Sam Lee',
  'SENDER PROFILE URL': i % 2 ? 'https://www.linkedin.com/in/ana-muller' : 'https://www.linkedin.com/in/sam-lee',
  TO: i % 2 ? 'Sam Lee' : 'Ana Müller',
  'RECIPIENT PROFILE URLS': i % 2 ? 'https://www.linkedin.com/in/sam-lee' : 'https://www.linkedin.com/in/ana-muller',
  DATE: `${dateOf(i)} UTC`,
  SUBJECT: '',
  CONTENT: text,
  FOLDER: 'INBOX',
  ATTACHMENTS: '',
});

export const connectionRow = (i: number): Row => ({
  'First Name': `First${i}`,
  'Last Name': `Last${i}`,
  URL: `https://www.linkedin.com/in/person-${i}`,
  'Email Address': i % 3 ? '' : `person${i}@example.org`,
  Company: `Company ${i % 7}`,
  Position: 'Engineer',
  'Connected On': `${pad((i % 28) + 1)} Mar 2021`,
});

export const positionRow = (i: number): Row => ({
  'Company Name': `Company ${i}`,
  Title: `Role ${i}`,
  Description: `Built things, line one.\nLine two.`,
  Location: 'Berlin',
  'Started On': `Jan ${2015 + i}`,
  'Finished On': i === 0 ? '' : `Dec ${2015 + i}`,
});

export const profileRow = (headline = 'Engineer at Tributary'): Row => ({
  'First Name': 'Ana',
  'Last Name': 'Müller',
  Headline: headline,
  Summary: 'I build sync engines.\n\nAnd I write about them.',
  Industry: 'Software Development',
  'Geo Location': 'Berlin, Germany',
});

/** A realistic export: counts per file. */
export function sampleExport(n: {
  shares: number;
  comments: number;
  messages: number;
  connections?: number;
  articles?: number;
}): ExportSpec {
  const range = (k: number): number[] => Array.from({ length: k }, (_, i) => i);
  return {
    rows: {
      'Profile.csv': [profileRow()],
      'Positions.csv': range(3).map(positionRow),
      'Connections.csv': range(n.connections ?? 5).map(connectionRow),
      'Shares.csv': range(n.shares).map((i) => shareRow(i)),
      'Comments.csv': range(n.comments).map((i) => commentRow(i)),
      'messages.csv': range(n.messages).map((i) => messageRow(i)),
    },
    articles: Object.fromEntries(
      range(n.articles ?? 2).map((i) => [
        `${dateOf(i).slice(0, 16)}.0-Article-${i}`,
        articleHtml(`Article ${i}`, dateOf(i).slice(0, 16), `<p>Body of article ${i}.</p><p>More &amp; more.</p>`),
      ]),
    ),
  };
}
