/**
 * Search snippets cut in TypeScript. The full-text index is contentless (content-once.ts), so FTS5's `snippet()`
 * has no text to cut; this is its algorithm (fts5_aux.c) over the hit's chunk text, so snippets read as before:
 * a window of `tokens` words scored 1000 per distinct query phrase and 1 per repeat, centred on the matches, moved
 * back to a sentence start when that scores better; matched phrases wrapped in `open`/`close`; `ellipsis` where the
 * window cuts the text. Words are the tokenizer's (`unicode61 remove_diacritics 2`): runs of letters, digits and
 * private-use characters, compared case- and accent-folded. Only the page's hits are cut, so the cost is per page.
 */
export interface SnippetTerm {
  /** Folded words of a phrase (one for a plain word). */
  words: string[];
  /** The last word is a prefix (`word*`). */
  prefix: boolean;
}

const TOKEN = /[\p{L}\p{N}\p{Co}\p{Mn}]+/gu;
const FTS_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'NEAR']);

/** Case and diacritics folded as `unicode61 remove_diacritics 2` does (for the characters that matter in practice). */
export function foldToken(word: string): string {
  // ASCII has no diacritics: most words of code and mail skip the Unicode normalization, the bulk of a snippet's
  // cost in a fresh CLI process (10 hits of a patch store: 8-10 ms of CPU before).
  if (ASCII.test(word)) return word.toLowerCase();
  return word
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase();
}
const ASCII = /^[\x00-\x7f]*$/;

const words = (text: string): string[] =>
  [...text.matchAll(TOKEN)].map((m) => foldToken(m[0])).filter((w) => w.length > 0);

/**
 * The phrases of an FTS5 MATCH expression, in order (the simple syntax is rendered to one: fts-query.ts). Operators,
 * column filters (`title:`), `^` and parentheses are not terms; a negated phrase is kept (a hit never contains it).
 */
export function snippetTerms(match: string): SnippetTerm[] {
  const out: SnippetTerm[] = [];
  const re = /"((?:[^"]|"")*)"(\*?)|([^\s"():{}^+*]+)(:?)(\*?)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(match)) !== null) {
    if (m[1] !== undefined) {
      const w = words(m[1].replace(/""/g, '"'));
      if (w.length) out.push({ words: w, prefix: m[2] === '*' });
      continue;
    }
    const bare = m[3]!;
    if (m[4] === ':' || FTS_KEYWORDS.has(bare)) continue;
    const w = words(bare);
    if (w.length) out.push({ words: w, prefix: m[5] === '*' });
  }
  return out;
}

/** 0-9, A-Z, a-z: the ASCII characters of `TOKEN`'s classes. */
const isAsciiWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Space, tab, CR, LF: the whitespace FTS5's snippet() takes after a sentence's end. */
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

interface Token {
  start: number;
  end: number;
  /** Folded; left out by the ASCII scan until a comparison needs it. */
  word?: string;
}
interface Instance {
  phrase: number;
  pos: number;
  n: number;
}

/** Whether `tok` is `want` (or starts with it): folded ASCII keeps its length, so most tokens fail without a copy. */
function tokenIs(text: string, tok: Token, want: string, prefix: boolean, ascii: boolean): boolean {
  if (ascii) {
    const len = tok.end - tok.start;
    if (prefix ? len < want.length : len !== want.length) return false;
  }
  const word = (tok.word ??= foldToken(text.slice(tok.start, tok.end)));
  return prefix ? word.startsWith(want) : word === want;
}

function instancesOf(text: string, tokens: Token[], terms: SnippetTerm[], ascii: boolean): Instance[] {
  const out: Instance[] = [];
  terms.forEach((t, phrase) => {
    const n = t.words.length;
    for (let pos = 0; pos + n <= tokens.length; pos++) {
      let ok = true;
      for (let k = 0; k < n && ok; k++)
        ok = tokenIs(text, tokens[pos + k]!, t.words[k]!, t.prefix && k === n - 1, ascii);
      if (ok) out.push({ phrase, pos, n });
    }
  });
  return out.sort((a, b) => a.pos - b.pos || a.phrase - b.phrase);
}

/**
 * fts5SnippetScore: the window [pos, pos + size) scored, and where to start it to centre its matches. `inst` is sorted
 * by position: only the instances inside the window are read (a binary search finds the first), so scoring every
 * instance's window is not quadratic in a chunk where the word occurs a hundred times.
 */
function score(inst: Instance[], phrases: number, docSize: number, pos: number, size: number) {
  const seen = new Uint8Array(phrases);
  let total = 0;
  let first = -1;
  let last = 0;
  let lo = 0;
  for (let hi = inst.length; lo < hi;) {
    const mid = (lo + hi) >>> 1;
    if (inst[mid]!.pos < pos) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < inst.length && inst[k]!.pos < pos + size; k++) {
    const i = inst[k]!;
    total += seen[i.phrase] ? 1 : 1000;
    seen[i.phrase] = 1;
    if (first < 0) first = i.pos;
    last = i.pos + i.n;
  }
  let adj = first - Math.floor((size - (last - first)) / 2);
  if (adj + size > docSize) adj = docSize - size;
  return { total, adj: Math.max(0, adj) };
}

export function snippet(
  text: string,
  terms: SnippetTerm[],
  open: string,
  close: string,
  ellipsis: string,
  size: number,
): string {
  const tokens: Token[] = [];
  // ASCII text (most chat, mail and code): words are runs of letters and digits, scanned without a regex match per
  // word (the matches and their folded copies were most of a search page's allocations).
  const ascii = ASCII.test(text);
  if (ascii) {
    for (let i = 0; i < text.length;) {
      if (!isAsciiWordChar(text.charCodeAt(i))) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < text.length && isAsciiWordChar(text.charCodeAt(j))) j++;
      tokens.push({ start: i, end: j });
      i = j;
    }
  } else {
    const re = new RegExp(TOKEN.source, TOKEN.flags);
    for (let m = re.exec(text); m !== null; m = re.exec(text))
      tokens.push({ start: m.index, end: m.index + m[0].length, word: foldToken(m[0]) });
  }
  if (!tokens.length) return text;
  const inst = instancesOf(text, tokens, terms, ascii);
  // Sentence starts: the first token, and any token after whitespace that follows '.' or ':' (read char by char:
  // a slice and a regex per token cost as much as the rest).
  const sentences: number[] = [0];
  for (let i = 1; i < tokens.length; i++) {
    const from = tokens[i - 1]!.end;
    let k = tokens[i]!.start - 1;
    while (k >= from && isBlank(text.charCodeAt(k))) k--;
    if (k < tokens[i]!.start - 1 && k >= from && (text[k] === '.' || text[k] === ':')) sentences.push(i);
  }
  let best = 0;
  let start = 0;
  for (const i of inst) {
    const s = score(inst, terms.length, tokens.length, i.pos, size);
    if (s.total > best) {
      best = s.total;
      start = s.adj;
    }
    if (tokens.length > size) {
      let j = 0;
      while (j < sentences.length - 1 && sentences[j + 1]! <= i.pos) j++;
      if (sentences[j]! < i.pos) {
        const bonus =
          score(inst, terms.length, tokens.length, sentences[j]!, size).total + (sentences[j] === 0 ? 120 : 100);
        if (bonus > best) {
          best = bonus;
          start = sentences[j]!;
        }
      }
    }
  }
  const end = Math.min(tokens.length - 1, start + size - 1);
  // Marked token ranges: overlapping phrase instances merge into one (fts5CInstIterNext).
  const marked: Array<[number, number]> = [];
  for (const i of inst) {
    const last = marked[marked.length - 1];
    if (last && i.pos <= last[1]) last[1] = Math.max(last[1], i.pos + i.n - 1);
    else marked.push([i.pos, i.pos + i.n - 1]);
  }
  let out = start > 0 ? ellipsis : '';
  let at = start > 0 ? tokens[start]!.start : 0;
  for (const [a, b] of marked) {
    if (b < start || a > end) continue;
    const from = Math.max(a, start);
    const to = Math.min(b, end);
    out += text.slice(at, tokens[from]!.start) + open + text.slice(tokens[from]!.start, tokens[to]!.end) + close;
    at = tokens[to]!.end;
  }
  if (end >= tokens.length - 1) return out + text.slice(at);
  return out + text.slice(at, tokens[end]!.end) + ellipsis;
}
