import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToText, parseMail, type MailAddress, type ParsedMail } from './parse.js';
import { testdata } from './test-support/testdata.js';

/** stalwartlabs/mail-parser ships, for each .eml, its expected parse as JSON: we compare the fields we map. */
const root = testdata('email/eml/stalwart-mail-parser');

interface StalwartHeader {
  name: string;
  value: any;
}
interface StalwartPart {
  headers: StalwartHeader[];
  body: Record<string, any> | string;
}
interface StalwartMessage {
  text_body: number[];
  html_body: number[];
  parts: StalwartPart[];
}

function expectedAddresses(h: StalwartHeader | undefined): MailAddress[] {
  const list = h?.value?.Address?.List as Array<{ name: string | null; address: string | null }> | undefined;
  return (list ?? []).map((a) => ({ name: (a.name ?? '').trim(), address: (a.address ?? '').toLowerCase() }));
}

function expectedDate(h: StalwartHeader | undefined): string | undefined {
  const d = h?.value?.DateTime;
  if (!d) return undefined;
  const sign = d.tz_before_gmt ? -1 : 1;
  const utc =
    Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second) - sign * (d.tz_hour * 60 + d.tz_minute) * 60_000;
  return new Date(utc).toISOString();
}

/** The main body: stalwart's first text_body part (postal-mime may append further inline text parts after it). */
function expectedText(msg: StalwartMessage): string {
  const first = msg.text_body[0];
  const body = first === undefined ? undefined : msg.parts[first]?.body;
  if (!body || typeof body !== 'object') return '';
  if (typeof body.Text === 'string') return body.Text;
  if (typeof body.Html === 'string') return htmlToText(body.Html);
  return '';
}

// White space collapsed, control characters dropped on both sides (our mapper removes them from content on purpose).
const squash = (s: string): string =>
  s
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const addr = (list: MailAddress[]): string => list.map((a) => `${a.name.trim()}|${a.address.toLowerCase()}`).join(',');

/** The fields that differ between our parse and stalwart's expected one. */
function compare(expected: StalwartMessage, got: ParsedMail): string[] {
  const headers = expected.parts[0]?.headers ?? [];
  const h = (name: string): StalwartHeader | undefined => headers.find((x) => x.name === name);
  const diffs: string[] = [];
  const subject = h('subject')?.value?.Text as string | undefined;
  if ((subject?.trim() || undefined) !== got.subject)
    diffs.push(`subject ${JSON.stringify(subject)} vs ${JSON.stringify(got.subject)}`);
  const from = expectedAddresses(h('from'))[0];
  if (addr(from ? [from] : []) !== addr(got.from ? [got.from] : []))
    diffs.push(`from ${JSON.stringify(from)} vs ${JSON.stringify(got.from)}`);
  const to = expectedAddresses(h('to'));
  if (addr(to) !== addr(got.to)) diffs.push(`to ${JSON.stringify(to)} vs ${JSON.stringify(got.to)}`);
  const date = expectedDate(h('date'));
  if (date !== got.date) diffs.push(`date ${date} vs ${got.date}`);
  const text = squash(expectedText(expected));
  const ours = squash(got.text);
  // Our body must begin with stalwart's main body; an empty expected body must stay empty.
  if (text === '' ? ours !== '' : !ours.startsWith(text))
    diffs.push(`text ${JSON.stringify(text.slice(0, 80))} vs ${JSON.stringify(squash(got.text).slice(0, 80))}`);
  return diffs;
}

describe('mail parser against stalwart-mail-parser expectations', () => {
  async function matchRate(dirs: string[]): Promise<number> {
    const files: string[] = [];
    for (const dir of dirs) {
      for (const f of readdirSync(path.join(root, dir)).sort()) if (f.endsWith('.eml')) files.push(path.join(dir, f));
    }
    const mismatches: string[] = [];
    for (const f of files) {
      const expected = JSON.parse(
        readFileSync(path.join(root, f.replace(/\.eml$/, '.json')), 'utf8'),
      ) as StalwartMessage;
      const got = await parseMail(readFileSync(path.join(root, f)));
      const diffs = compare(expected, got);
      if (diffs.length) mismatches.push(`${f}: ${diffs.join('; ')}`);
    }
    const rate = (files.length - mismatches.length) / files.length;
    console.log(
      `stalwart ${dirs.join('+')} match rate: ${(rate * 100).toFixed(1)}% (${files.length - mismatches.length}/${files.length})\n${mismatches.join('\n')}`,
    );
    return rate;
  }

  // The misses are fuzzer-made MIME trees in malformed/ (reused boundaries, garbage headers) where both parsers
  // make a defensible choice; the well-formed files must all match.
  it('matches subject, from, to, date and main text body on at least 95% of all files', async () => {
    expect(await matchRate(['rfc', 'legacy', 'malformed', 'thirdparty'])).toBeGreaterThanOrEqual(0.95);
  });

  it('matches every well-formed file', async () => {
    expect(await matchRate(['rfc', 'legacy', 'thirdparty'])).toBe(1);
  });
});
