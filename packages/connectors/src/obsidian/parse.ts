import matter from 'gray-matter';

/** A `[[link]]` or `![[embed]]` in a note. */
export interface WikiLink {
  /** The target as written, without `#heading`, `^block` or `|alias`. */
  target: string;
  heading?: string;
  alias?: string;
  /** The vault path of the note it points at, when that note exists. */
  resolved?: string;
}

export interface ParsedNote {
  /** Front matter, made JSON-safe (dates as ISO strings). */
  frontmatter: Record<string, unknown>;
  frontmatterError?: string;
  /** The markdown body without the front matter (headings kept: the engine chunks by them). */
  body: string;
  tags: string[];
  links: WikiLink[];
  embeds: WikiLink[];
}

/** Dates as ISO strings, everything else JSON-safe (functions and symbols dropped). */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return undefined;
  return value;
}

/** Removes fenced code blocks, inline code and HTML comments, where `#tags` and `[[links]]` do not count. */
function stripCode(body: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of body.split('\n')) {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && m) fence = m[1]!;
    else if (fence !== undefined && m && m[1]!.startsWith(fence)) fence = undefined;
    else if (fence === undefined) kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/`[^`\n]*`/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/%%[\s\S]*?%%/g, '');
}

// A tag follows the start of a line or whitespace; it holds letters, digits, _ - / and is not only digits (#123 is
// not a tag in Obsidian).
const TAG = /(?:^|[\s(])#([\p{L}\p{N}_/-]+)/gu;

/** Tags of the front matter (`tags` or `tag`: a list or a comma/space separated string), without `#`. */
function frontmatterTags(fm: Record<string, unknown>): string[] {
  const raw = fm.tags ?? fm.tag;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[,\s]+/) : [];
  return list
    .filter((t): t is string | number => typeof t === 'string' || typeof t === 'number')
    .map((t) => String(t).trim().replace(/^#/, ''));
}

function bodyTags(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TAG)) {
    const tag = m[1]!.replace(/\/+$/, '');
    if (tag && !/^[\d/_-]+$/.test(tag)) out.push(tag);
  }
  return out;
}

function parseLink(inner: string): WikiLink | undefined {
  const [targetPart = '', alias] = inner.split('|', 2);
  const hashAt = targetPart.search(/[#^]/);
  const target = (hashAt === -1 ? targetPart : targetPart.slice(0, hashAt)).trim();
  const heading = hashAt === -1 ? undefined : targetPart.slice(hashAt + 1).trim() || undefined;
  if (!target && !heading) return undefined;
  return { target, ...(heading ? { heading } : {}), ...(alias?.trim() ? { alias: alias.trim() } : {}) };
}

/**
 * Parses a note: front matter (gray-matter), tags from the front matter and the body, wikilinks and embeds.
 * Invalid front matter does not fail the note: the whole text becomes the body and the error is kept.
 */
export function parseNote(text: string): ParsedNote {
  let frontmatter: Record<string, unknown> = {};
  let body = text;
  let frontmatterError: string | undefined;
  try {
    // An options object turns off gray-matter's module-level cache (it would keep every note in memory).
    const parsed = matter(text, {});
    frontmatter = (jsonSafe(parsed.data) as Record<string, unknown>) ?? {};
    body = parsed.content;
  } catch (err) {
    frontmatterError = err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
  const scan = stripCode(body);
  const tags = [
    ...new Set([...frontmatterTags(frontmatter), ...bodyTags(scan)].filter((t) => t.length > 0 && t.length <= 200)),
  ].slice(0, 200);
  const links: WikiLink[] = [];
  const embeds: WikiLink[] = [];
  for (const m of scan.matchAll(/(!?)\[\[([^\]\n]+)\]\]/g)) {
    const link = parseLink(m[2]!);
    if (link) (m[1] ? embeds : links).push(link);
  }
  return { frontmatter, ...(frontmatterError ? { frontmatterError } : {}), body, tags, links, embeds };
}

/**
 * Resolves link targets to vault paths the way Obsidian does: a target with a folder is a path from the vault root;
 * a bare name matches a note of that name, preferring the linking note's folder, then the shortest path.
 */
export function createLinkResolver(paths: Iterable<string>): (target: string, from: string) => string | undefined {
  const byPath = new Map<string, string>();
  const byName = new Map<string, string[]>();
  for (const p of paths) {
    const key = p.toLowerCase().replace(/\.md$/, '');
    byPath.set(key, p);
    const name = key.slice(key.lastIndexOf('/') + 1);
    const list = byName.get(name);
    if (list) list.push(p);
    else byName.set(name, [p]);
  }
  return (target, from) => {
    const t = target.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase().replace(/\.md$/, '');
    if (!t) return undefined;
    if (t.includes('/')) return byPath.get(t);
    const candidates = byName.get(t);
    if (!candidates?.length) return undefined;
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
    const local = candidates.find((c) => c.startsWith(dir) && !c.slice(dir.length).includes('/'));
    return local ?? [...candidates].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1))[0];
  };
}
