import { TributaryError } from '@tributary/sdk/errors';
import { foldDiacritics } from './fold.js';

/** A term of the simple query syntax: a word, a prefix (`word*`) or a phrase (`"a b"`). */
export interface QueryTerm {
  words: string[];
  prefix: boolean;
}

/** `positive` is a list of OR-groups that must all match; `negative` terms must not. */
export interface ParsedQuery {
  positive: QueryTerm[][];
  negative: QueryTerm[];
}

/**
 * Parses what a person types: words and "quoted phrases" must all match, `word*` is a prefix, `OR` between terms,
 * `-word` excludes. Characters a full-text engine treats as syntax are separators here, so the simple mode can't
 * produce a syntax error in any backend.
 * @throws TributaryError `invalid_query` when nothing searchable is left
 */
export function parseSimpleQuery(input: string): ParsedQuery {
  const positive: QueryTerm[][] = [];
  const negative: QueryTerm[] = [];
  const re = /(-?)"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  let pendingOr = false;
  const add = (term: QueryTerm, neg: boolean): void => {
    if (neg) negative.push(term);
    else if (pendingOr && positive.length) positive[positive.length - 1]!.push(term);
    else positive.push([term]);
    pendingOr = false;
  };
  while ((m = re.exec(input)) !== null) {
    if (m[2] !== undefined) {
      const words = m[2].split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
      if (words.length) add({ words, prefix: false }, Boolean(m[1]));
      continue;
    }
    let word = m[3]!;
    if (word === 'OR') {
      pendingOr = true;
      continue;
    }
    const neg = word.startsWith('-') && word.length > 1;
    if (neg) word = word.slice(1);
    const prefix = word.endsWith('*') && word.length > 1;
    const words = word
      .replace(/\*+$/, '')
      .split(/[^\p{L}\p{N}_]+/u)
      .filter(Boolean);
    if (words.length) add({ words, prefix }, neg);
  }
  if (!positive.length) {
    throw new TributaryError(
      'invalid_query',
      `Nothing to search for in "${input}": give at least one word (exclusions with - need a word to exclude from).`,
      {
        issues: [{ path: 'query', message: 'no searchable terms' }],
      },
    );
  }
  return { positive, negative };
}

/** Renders the simple syntax as an FTS5 MATCH expression (SQLite). */
export function toFtsQuery(input: string): string {
  const q = parseSimpleQuery(input);
  const term = (t: QueryTerm): string => `"${t.words.join(' ').replace(/"/g, '""')}"${t.prefix ? '*' : ''}`;
  const group = (g: QueryTerm[]): string => (g.length === 1 ? term(g[0]!) : `(${g.map(term).join(' OR ')})`);
  const base = q.positive.map(group).join(' ');
  return q.negative.length ? `(${base}) NOT (${q.negative.map(term).join(' OR ')})` : base;
}

/** Renders the simple syntax as a PostgreSQL tsquery (to_tsquery with the 'simple' configuration). */
export function toTsQuery(input: string): string {
  const q = parseSimpleQuery(input);
  // Folded as the stored text is (fold.ts): "cafe" and "café" are the same word on both stores.
  const lexeme = (w: string, prefix: boolean): string =>
    `'${foldDiacritics(w).toLowerCase().replace(/'/g, "''")}'${prefix ? ':*' : ''}`;
  const term = (t: QueryTerm): string => {
    const parts = t.words.map((w, i) => lexeme(w, t.prefix && i === t.words.length - 1));
    return parts.length === 1 ? parts[0]! : `(${parts.join(' <-> ')})`;
  };
  const group = (g: QueryTerm[]): string => (g.length === 1 ? term(g[0]!) : `(${g.map(term).join(' | ')})`);
  const base = q.positive.map(group).join(' & ');
  return q.negative.length ? `${base} & !(${q.negative.map(term).join(' | ')})` : base;
}

/**
 * The check both backends run on an `fts`-syntax query before handing it to the engine: text without a single
 * letter or digit (`*`, `"`, `-`) is refused alike (FTS5 fails on some such input, tsquery silently matches none).
 * @throws TributaryError `invalid_query`
 */
export function assertFtsQueryHasTerms(text: string): void {
  if (/[\p{L}\p{N}]/u.test(text)) return;
  throw new TributaryError(
    'invalid_query',
    `Nothing to search for in "${text}": a full-text query needs at least one word.`,
    { issues: [{ path: 'query', message: 'no searchable terms' }] },
  );
}
