/**
 * Test helper: runs feedparser's conformance feeds (testdata/rss/feedparser-tests) against our parser, for the
 * expectations that concern fields Tributary keeps (titles, links, ids, dates, content, encodings). Each case's
 * header comment holds `Expect:` (a Python expression); we evaluate the subset of that language those fields use
 * and call a case "relevant" only when every clause of its expectation is in that subset.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { convert } from 'html-to-text';
import { parseFeed, type ParsedEntry, type ParsedFeed } from './parse.js';

export interface CaseResult {
  file: string;
  expect: string;
  relevant: boolean;
  pass: boolean;
  detail?: string;
}

/** Splits on ` and ` outside string literals. */
function splitClauses(expr: string): string[] {
  const out: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (expr.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
    } else if (ch === "'" || ch === '"') {
      quote = expr.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      i += quote.length - 1;
    } else if (expr.startsWith(' and ', i)) {
      out.push(expr.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  out.push(expr.slice(start));
  return out.map((c) => c.trim());
}

/** A Python string literal → its value, or undefined when `src` is not exactly one literal. */
export function pyString(src: string): string | undefined {
  const m = /^[uUbB]?(?:'''([\s\S]*)'''|"""([\s\S]*)"""|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")$/.exec(src.trim());
  if (!m) return undefined;
  const body = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[\\'"nrt0])/g, (_all, esc: string) => {
    if (esc[0] === 'u' || esc[0] === 'U' || esc[0] === 'x') return String.fromCodePoint(parseInt(esc.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[esc] ?? esc;
  });
}

function pyTuple(src: string): number[] | undefined {
  const m = /^\(([\d,\s]+)\)$/.exec(src.trim());
  return m
    ? m[1]!
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map(Number)
    : undefined;
}

const text = (html: string): string =>
  convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
    ],
  })
    .replace(/\s+/g, ' ')
    .trim();

/** Same text: equal as written, or equal once both are reduced to plain text (we keep text, not markup). */
function sameText(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  if (actual === expected || actual.trim() === expected.trim()) return true;
  const e = text(expected);
  return text(actual) === e || actual.replace(/\s+/g, ' ').trim() === e;
}

type Getter = (feed: ParsedFeed) => string | undefined;

const DATE_FIELDS: Record<string, Array<'published' | 'updated'>> = {
  published_parsed: ['published', 'updated'],
  issued_parsed: ['published', 'updated'],
  created_parsed: ['published', 'updated'],
  date_parsed: ['published', 'updated'],
  updated_parsed: ['updated', 'published'],
  modified_parsed: ['updated', 'published'],
};

const ENTRY_TEXT: Record<string, (e: ParsedEntry) => string | undefined> = {
  title: (e) => e.title,
  link: (e) => e.link,
  id: (e) => e.id,
  guid: (e) => e.id,
  summary: (e) => e.summary ?? e.content?.value,
  description: (e) => e.summary ?? e.content?.value,
};

/** A supported left-hand side → how to read it from our parse; undefined when it is not a field we keep. */
function getter(
  lhs: string,
): { kind: 'text' | 'date'; get: Getter; dateKeys?: Array<'published' | 'updated'>; index?: number } | undefined {
  const norm = lhs.replace(/\.([a-z_]+)/g, "['$1']");
  let m = /^feed\['(title|link)'\]$/.exec(norm);
  if (m) return { kind: 'text', get: (f) => (m![1] === 'title' ? f.title : f.link) };
  m = /^entries\[(\d+)\]\['([a-z_]+)'\]$/.exec(norm);
  if (m) {
    const index = Number(m[1]);
    const field = m[2]!;
    if (ENTRY_TEXT[field])
      return { kind: 'text', get: (f) => (f.entries[index] ? ENTRY_TEXT[field]!(f.entries[index]!) : undefined) };
    if (DATE_FIELDS[field]) return { kind: 'date', get: () => undefined, dateKeys: DATE_FIELDS[field]!, index };
    return undefined;
  }
  m = /^entries\[(\d+)\]\['content'\]\[0\]\['value'\]$/.exec(norm);
  if (m) {
    const index = Number(m[1]);
    return { kind: 'text', get: (f) => f.entries[index]?.content?.value };
  }
  return undefined;
}

type Check = (feed: ParsedFeed) => { ok: boolean; detail: string };

function compile(clause: string): Check | 'ignore' | undefined {
  if (clause === 'not bozo' || clause === 'bozo' || clause === '1') return 'ignore';
  let m = /^len\(entries\)\s*==\s*(\d+)$/.exec(clause);
  if (m) {
    const n = Number(m[1]);
    return (f) => ({ ok: f.entries.length === n, detail: `len(entries) ${f.entries.length} ≠ ${n}` });
  }
  m = /^encoding\s*==\s*(.+)$/.exec(clause);
  if (m) {
    const want = pyString(m[1]!)?.toLowerCase();
    if (want === undefined) return undefined;
    return (f) => ({ ok: f.encoding.toLowerCase() === want, detail: `encoding ${f.encoding} ≠ ${want}` });
  }
  m = /^([a-z_\]['\d.]+?)\s*==\s*(.+)$/s.exec(clause);
  if (!m || /==/.test(m[2]!)) return undefined;
  const g = getter(m[1]!);
  if (!g) return undefined;
  if (g.kind === 'date') {
    const tuple = pyTuple(m[2]!);
    if (!tuple || tuple.length < 6) return undefined;
    const want = new Date(Date.UTC(tuple[0]!, tuple[1]! - 1, tuple[2]!, tuple[3]!, tuple[4]!, tuple[5]!)).toISOString();
    return (f) => {
      const e = f.entries[g.index!];
      const got = e ? g.dateKeys!.map((k) => e[k]).find(Boolean) : undefined;
      return { ok: got?.replace(/\.\d{3}Z$/, '.000Z') === want, detail: `${m![1]} ${got} ≠ ${want}` };
    };
  }
  const want = pyString(m[2]!);
  if (want === undefined) return undefined;
  return (f) => {
    const got = g.get(f);
    return { ok: sameText(got, want), detail: `${m![1]} ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}` };
  };
}

/** Files under `dir`, recursively, sorted. */
export function listCases(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listCases(p));
    else if (/\.(xml|json|rss|atom|rdf)$/.test(name)) out.push(p);
  }
  return out;
}

/** Runs one case file. */
export async function runCase(file: string): Promise<CaseResult> {
  const bytes = readFileSync(file);
  const head = bytes.subarray(0, 4096).toString('latin1');
  const expect = /Expect:\s*(.+?)\s*(?:-->|\n|$)/.exec(head)?.[1]?.trim() ?? '';
  const header = /Header:\s*Content-type:\s*(.+)/i.exec(head)?.[1]?.trim();
  const clauses = expect ? splitClauses(expect).map(compile) : [undefined];
  const checks = clauses.filter((c): c is Check => typeof c === 'function');
  const relevant = clauses.every((c) => c !== undefined) && checks.length > 0;
  if (!relevant) return { file, expect, relevant, pass: false };
  let feed: ParsedFeed;
  try {
    feed = await parseFeed(bytes, header);
  } catch (err) {
    return { file, expect, relevant, pass: false, detail: `parse error: ${(err as Error).message.split('\n')[0]}` };
  }
  for (const check of checks) {
    const r = check(feed);
    if (!r.ok) return { file, expect, relevant, pass: false, detail: r.detail };
  }
  return { file, expect, relevant, pass: true };
}
