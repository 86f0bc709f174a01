import { TributaryError } from '@tributary/sdk';

/**
 * Turns what a person types into a safe FTS5 query: words and "quoted phrases" must all match, `word*` is a
 * prefix, `OR` between terms, `-word` excludes. Anything FTS5 would treat as syntax is quoted away, so the
 * simple mode cannot produce a syntax error.
 * @throws TributaryError `invalid_query` when nothing searchable is left
 */
export function toFtsQuery(input: string): string {
  const positive: string[] = [];
  const negative: string[] = [];
  const re = /(-?)"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  let pendingOr = false;
  while ((m = re.exec(input)) !== null) {
    if (m[2] !== undefined) {
      const phrase = m[2].trim();
      if (!phrase) continue;
      const term = `"${phrase.replace(/"/g, '""')}"`;
      if (m[1]) negative.push(term);
      else {
        if (pendingOr && positive.length) positive.push(`OR ${term}`);
        else positive.push(term);
      }
      pendingOr = false;
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
    const core = word.replace(/\*+$/, '');
    // Keep letters/digits; other characters are separators for the tokenizer anyway.
    const tokens = core.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
    if (!tokens.length) continue;
    const term = `"${tokens.join(' ')}"${prefix ? '*' : ''}`;
    if (neg) negative.push(term);
    else if (pendingOr && positive.length) positive.push(`OR ${term}`);
    else positive.push(term);
    pendingOr = false;
  }
  if (!positive.length) {
    throw new TributaryError('invalid_query', `Nothing to search for in "${input}": give at least one word (exclusions with - need a word to exclude from).`, {
      issues: [{ path: 'query', message: 'no searchable terms' }],
    });
  }
  const base = positive.join(' ');
  return negative.length ? `(${base}) NOT (${negative.join(' OR ')})` : base;
}
