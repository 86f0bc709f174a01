import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { TributaryError } from '@tributary/sdk';

/** A data row of an export CSV: header name → cell (missing trailing cells are ''). */
export type CsvRow = Record<string, string>;

/**
 * Streams the data rows of one export CSV. LinkedIn's files start with a BOM in some exports, hold multi-line
 * quoted cells (post text, messages) and, in Connections.csv, a "Notes:" preamble of a few lines before the
 * header — so the header is the first record that has `keyColumn`, and everything before it is skipped.
 * @throws TributaryError `record_invalid` when the file has no such header or is not CSV
 */
export async function* readCsv(input: Readable, file: string, keyColumn: string): AsyncGenerator<CsvRow> {
  const parser = input.pipe(
    parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: false }),
  );
  input.on('error', (err) => parser.destroy(err));
  let header: string[] | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        const names = record.map((c) => c.trim());
        if (names.includes(keyColumn)) header = names;
        continue;
      }
      const row: CsvRow = {};
      header.forEach((name, i) => (row[name] = record[i] ?? ''));
      yield row;
    }
  } catch (err) {
    if (err instanceof TributaryError) throw err;
    throw new TributaryError('record_invalid', `${file} is not a readable CSV file: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    parser.destroy();
    input.destroy();
  }
  if (!header) throw new TributaryError('record_invalid', `${file}: no header line with "${keyColumn}"`);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const iso = (y: number, m: number, d: number, hh = 0, mm = 0, ss = 0): string | undefined => {
  const t = Date.UTC(y, m - 1, d, hh, mm, ss);
  const date = new Date(t);
  // reject 2023-02-31 and friends instead of rolling over
  if (Number.isNaN(t) || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString();
};

/**
 * The date formats of LinkedIn's export files, all UTC: `2023-06-11 15:33:58 UTC` (messages), `2023-06-11 15:33:58`
 * (Shares, Comments), `2020-03-01 10:15` (articles), `15 Jan 2020` (Connections), `01/15/20` (older Connections),
 * `Jan 2020` and `2020` (Positions: the first of the month or year).
 * @returns an ISO 8601 timestamp, or undefined for an empty or unknown value
 */
export function parseLinkedinDate(value: string | undefined): string | undefined {
  const s = value?.trim();
  if (!s) return undefined;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s*(?:UTC|Z))?$/i.exec(s);
  if (m) return iso(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
    return month ? iso(+m[3]!, month, +m[1]!) : undefined;
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(s);
  if (m) {
    const y = m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!;
    return iso(y, +m[1]!, +m[2]!);
  }
  m = /^([A-Za-z]{3})[a-z]* (\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
    return month ? iso(+m[2]!, month, 1) : undefined;
  }
  m = /^(\d{4})$/.exec(s);
  return m ? iso(+m[1]!, 1, 1) : undefined;
}

/**
 * Repairs UTF-8 text that an older export wrote as Latin-1 characters ("Ã©" for "é"): when a string holds such
 * sequences and reads as valid UTF-8 from its Latin-1 bytes, the decoded text is returned; anything else as is.
 */
export function fixMojibake(s: string): string {
  if (!/[\u00c2-\u00f4][\u0080-\u00bf]/.test(s) || /[^\u0000-\u00ff]/.test(s)) return s;
  const decoded = Buffer.from(s, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? s : decoded;
}

/** What an article's HTML file holds. */
export interface ArticleHtml {
  title?: string;
  url?: string;
  created?: string;
  published?: string;
  /** The body's HTML (everything after the header block). */
  html: string;
}

const textOf = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();

/**
 * An exported article: `<h1><a href="…/pulse/…">Title</a></h1>`, `<p class="created">Created on 2020-03-01 10:15</p>`,
 * `<p class="published">Published on …</p>`, then the body. Missing parts are left out.
 */
export function parseArticleHtml(html: string): ArticleHtml {
  const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
  const href = h1 ? /href="([^"]+)"/i.exec(h1[1]!) : null;
  const titleTag = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  const title = textOf(h1?.[1] ?? titleTag?.[1] ?? '') || undefined;
  const created = /<p class="created"[^>]*>\s*Created on ([^<]+)<\/p>/i.exec(html);
  const published = /<p class="published"[^>]*>\s*Published on ([^<]+)<\/p>/i.exec(html);
  const markers = [h1, created, published].filter((m): m is RegExpExecArray => m !== null);
  const bodyStart = markers.length ? Math.max(...markers.map((m) => m.index + m[0].length)) : 0;
  const tail = bodyStart ? html.slice(bodyStart) : (/<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html);
  return {
    ...(title ? { title } : {}),
    ...(href ? { url: href[1]! } : {}),
    ...(created ? { created: parseLinkedinDate(created[1]) } : {}),
    ...(published ? { published: parseLinkedinDate(published[1]) } : {}),
    html: tail.replace(/<\/body>[\s\S]*$/i, '').trim(),
  };
}
