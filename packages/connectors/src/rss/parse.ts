import { decodeHTML } from 'entities';
import Parser from 'rss-parser';
import { decodeFeed, demoronize } from './decode.js';
import { parseJsonFeed } from './json-feed.js';

/** One entry of any feed format, before mapping to an item. Dates are ISO 8601. */
export interface ParsedEntry {
  /** RSS `guid`, Atom `id`, JSON Feed `id`. */
  id?: string;
  link?: string;
  title?: string;
  /** Whether the title is markup (RSS, Atom `type="html"`) or plain text (Atom's default). */
  titleType?: 'html' | 'text';
  published?: string;
  updated?: string;
  /** The fullest body: `content:encoded`, Atom `content`, JSON `content_html`/`content_text`, else the description. */
  content?: { value: string; type: 'html' | 'text' };
  summary?: string;
  author?: string;
  categories: string[];
  enclosure?: { url: string; type?: string; length?: string };
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json';
  title?: string;
  link?: string;
  /** The character encoding the bytes were read with. */
  encoding: string;
  entries: ParsedEntry[];
  /** A problem that did not stop parsing (an encoding fallback). */
  warning?: string;
}

const CUSTOM_FIELDS = {
  feed: [['title', 'titleRaw', { keepArray: true }]] as never[],
  item: [
    ['title', 'titleRaw', { keepArray: true }],
    ['content', 'contentRaw', { keepArray: true }],
    ['summary', 'summaryRaw', { keepArray: true }],
    ['description', 'descriptionRaw', { keepArray: true }],
    ['content:encoded', 'contentEncoded'],
    ['xhtml:body', 'xhtmlBody', { keepArray: true }],
    ['body', 'body', { keepArray: true }],
    ['fullitem', 'fullitem', { keepArray: true }],
    ['dc:description', 'dcDescription', { keepArray: true }],
    ['dcterms:created', 'dctermsCreated'],
    ['dcterms:issued', 'dctermsIssued'],
    ['guid', 'guidRaw', { keepArray: true }],
    ['published', 'published'],
    ['updated', 'updated'],
    ['issued', 'issued'],
    ['modified', 'modified'],
    ['created', 'created'],
    ['dc:date', 'dcDate'],
    ['dcterms:modified', 'dctermsModified'],
    ['dc:creator', 'dcCreator'],
    ['author', 'authorRaw', { keepArray: true }],
  ] as never[],
};

// An <rss> without a version (seen in the wild) is read as RSS 2.0.
const parser = new Parser({ defaultRSS: 2, customFields: CUSTOM_FIELDS });
/** For ill-formed XML (unclosed tags, bare `&`): sax's forgiving mode, with names lower-cased as strict mode keeps them. */
const lenientParser = new Parser({
  defaultRSS: 2,
  customFields: CUSTOM_FIELDS,
  xml2js: { strict: false, normalizeTags: true, attrNameProcessors: [(name: string) => name.toLowerCase()] } as never,
});

/** Text of an xml2js node: a string, `{ _: text }`, or nested elements (Atom xhtml) whose text is joined. */
export function textOf(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    const parts: string[] = typeof obj._ === 'string' ? [obj._] : [];
    for (const [key, value] of Object.entries(obj)) {
      if (key === '$' || key === '_') continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        const t = textOf(v);
        if (t) parts.push(t);
      }
    }
    return parts.length ? parts.join('') : undefined;
  }
  return String(node);
}

function attr(node: unknown, name: string): string | undefined {
  const n = Array.isArray(node) ? node[0] : node;
  const a = n && typeof n === 'object' ? (n as { $?: Record<string, unknown> }).$?.[name] : undefined;
  return typeof a === 'string' ? a : undefined;
}

/** Parses a feed date (RFC 822, W3C-DTF/ISO 8601, and their common sloppy variants) to ISO 8601. */
export function parseFeedDate(value: unknown): string | undefined {
  const raw = textOf(value)?.trim();
  if (!raw) return undefined;
  let t = Date.parse(raw);
  if (Number.isNaN(t)) t = Date.parse(raw.replace(/^\w{3,9},?\s+/, '').replace(/\s+(UT|Z)$/i, ' GMT'));
  if (Number.isNaN(t)) return undefined;
  return new Date(t).toISOString();
}

/** Atom/xml2js content node → html or text, honouring `type` and Atom 0.3 `mode="base64"`. */
function contentOf(node: unknown): ParsedEntry['content'] {
  if (node === undefined) return undefined;
  const n = Array.isArray(node) ? node[0] : node;
  const type = (attr(n, 'type') ?? '').toLowerCase();
  const mode = (attr(n, 'mode') ?? '').toLowerCase();
  let value: string | undefined;
  if (type === 'xhtml' || type === 'application/xhtml+xml' || mode === 'xml') {
    value =
      typeof n === 'object' && n !== null && typeof (n as { _?: unknown })._ !== 'string' ? xhtmlOf(n) : textOf(n);
  } else {
    value = textOf(n);
  }
  if (value === undefined) return undefined;
  // Atom 0.3 says mode="base64"; Atom 1.0 base64-encodes any media type that is neither text nor XML.
  const binaryType =
    type.includes('/') && !type.startsWith('text/') && !/[+/]xml$/.test(type) && type !== 'application/xhtml+xml';
  if (mode === 'base64' || binaryType) value = Buffer.from(value.replace(/\s+/g, ''), 'base64').toString('utf8');
  const isText = type === 'text' || type === 'text/plain';
  return { value, type: isText ? 'text' : 'html' };
}

/** Re-serializes an inline xhtml element tree (xml2js object) to markup. */
function xhtmlOf(node: unknown): string {
  if (typeof node === 'string') return escapeXml(node);
  if (!node || typeof node !== 'object') return '';
  const obj = node as Record<string, unknown>;
  let out = typeof obj._ === 'string' ? escapeXml(obj._) : '';
  for (const [key, value] of Object.entries(obj)) {
    if (key === '$' || key === '_') continue;
    const tag = key.replace(/^[\w-]+:/, '');
    for (const child of Array.isArray(value) ? value : [value]) {
      const attrs = child && typeof child === 'object' && (child as { $?: Record<string, string> }).$;
      const a = attrs
        ? Object.entries(attrs)
            .filter(([k]) => !k.startsWith('xmlns'))
            .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
            .join('')
        : '';
      out += `<${tag}${a}>${xhtmlOf(child)}</${tag}>`;
    }
  }
  return out;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function categoriesOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .map((c) => (typeof c === 'string' ? c : (attr(c, 'term') ?? textOf(c) ?? '')))
    .map((c) => c.trim())
    .filter(Boolean);
}

function authorOf(item: Record<string, any>): string | undefined {
  const raw = item.authorRaw?.[0];
  const atomName = raw && typeof raw === 'object' && raw.name ? textOf(raw.name) : undefined;
  const name = item.dcCreator ?? item.creator ?? atomName ?? (typeof raw === 'string' ? raw : textOf(raw));
  return typeof name === 'string' && name.trim() ? name.trim() : undefined;
}

function entryOf(item: Record<string, any>, isAtom: boolean): ParsedEntry {
  const entry: ParsedEntry = { categories: categoriesOf(item.categories) };
  const guid = item.guidRaw ? textOf(item.guidRaw) : isAtom ? textOf(item.id) : undefined;
  if (guid?.trim()) entry.id = guid.trim();
  const link = typeof item.link === 'string' ? item.link.trim() : textOf(item.link)?.trim();
  if (link) entry.link = link;
  else if (entry.id && attr(item.guidRaw, 'isPermaLink') !== 'false' && /^https?:\/\//i.test(entry.id))
    entry.link = entry.id;
  const titleNode = item.titleRaw ?? item.title;
  const titleType = (attr(titleNode, 'type') ?? (isAtom ? 'text' : 'html')).toLowerCase();
  const title = contentOf(titleNode)?.value;
  if (title !== undefined) {
    entry.title = title.trim();
    entry.titleType = titleType === 'text' || titleType === 'text/plain' ? 'text' : 'html';
  }
  const published = parseFeedDate(
    item.published ??
      item.issued ??
      item.created ??
      item.dctermsIssued ??
      item.dctermsCreated ??
      (isAtom ? undefined : item.pubDate) ??
      item.dcDate,
  );
  const updated = parseFeedDate(item.updated ?? item.modified ?? item.dctermsModified);
  if (published) entry.published = published;
  if (updated) entry.updated = updated;
  const description = textOf(item.descriptionRaw ?? item.dcDescription);
  const body = item.xhtmlBody ?? item.body;
  const content =
    (item.contentEncoded ? { value: String(textOf(item.contentEncoded)), type: 'html' as const } : undefined) ??
    (body ? { value: xhtmlOf(Array.isArray(body) ? body[0] : body), type: 'html' as const } : undefined) ??
    (item.fullitem ? { value: String(textOf(item.fullitem)), type: 'html' as const } : undefined) ??
    contentOf(item.contentRaw) ??
    (description !== undefined ? { value: description, type: 'html' as const } : undefined) ??
    contentOf(item.summaryRaw);
  if (content) entry.content = content;
  const summary = isAtom ? contentOf(item.summaryRaw)?.value : description;
  if (summary !== undefined && summary !== content?.value) entry.summary = summary;
  const author = authorOf(item);
  if (author) entry.author = author;
  if (item.enclosure?.url)
    entry.enclosure = {
      url: item.enclosure.url,
      ...(item.enclosure.type ? { type: item.enclosure.type } : {}),
      ...(item.enclosure.length ? { length: String(item.enclosure.length) } : {}),
    };
  return entry;
}

/** Truncated documents (a cut-off `</rss`, a missing end tag) get their root element closed. */
function closeRoot(xml: string): string {
  const root = /<([A-Za-z][\w:.-]*)[\s>]/.exec(xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>/g, ''))?.[1];
  if (!root || new RegExp(`</${root}\\s*>\\s*$`).test(xml)) return xml;
  return `${xml.replace(/<\/?[\w:.-]*\s*$/, '')}</${root}>`;
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * HTML named entities (`&eacute;`, `&nbsp;`) are common in feeds but undefined in XML, where a strict parser
 * rejects them: they become numeric references first. Unknown names are escaped so the text survives.
 */
export function htmlEntitiesToNumeric(xml: string): string {
  return xml.replace(/&(?:#(1[2-5]\d);|([A-Za-z][A-Za-z0-9]*);)/g, (all, ncr: string | undefined, name: string) => {
    // &#128;–&#159; name windows-1252 characters in practice (C1 controls are never meant).
    if (ncr)
      return Number(ncr) >= 128 && Number(ncr) <= 159
        ? `&#${demoronize(String.fromCharCode(Number(ncr))).codePointAt(0)};`
        : all;
    if (XML_ENTITIES.has(name)) return all;
    const decoded = decodeHTML(all);
    if (decoded === all) return `&amp;${name};`;
    return [...decoded].map((ch) => `&#${ch.codePointAt(0)};`).join('');
  });
}

/**
 * Parses a feed of any supported format from its bytes: RSS 0.9x/1.0/2.0 and Atom through rss-parser, JSON Feed
 * through JSON.parse and a zod schema.
 * @throws Error when the bytes are not a feed (the caller turns it into a page error or `upstream_error`)
 */
export async function parseFeed(bytes: Uint8Array, contentType?: string | null): Promise<ParsedFeed> {
  const decoded = decodeFeed(bytes, contentType);
  const text = decoded.text.replace(/^\uFEFF/, '');
  if (/^\s*\{/.test(text)) return parseJsonFeed(text, decoded.encoding);
  const xml = htmlEntitiesToNumeric(text);
  let result: Record<string, any>;
  let warning = decoded.fallback;
  try {
    result = await parser.parseString(xml);
  } catch (strictError) {
    try {
      result = await lenientParser.parseString(closeRoot(xml));
    } catch {
      // A well-formed <rss> without a <channel> (an empty feed) trips rss-parser; anything else is not a feed.
      if (strictError instanceof TypeError && /<(rss|feed|rdf:RDF)[\s>]/.test(xml)) result = { items: [] };
      else throw strictError;
    }
    warning = [warning, `ill-formed XML read leniently (${(strictError as Error).message.split('\n')[0]})`]
      .filter(Boolean)
      .join('; ');
  }
  const isAtom = /<feed[\s>]/.test(text.slice(0, 4096)) && !/<rss[\s>]|<rdf:RDF[\s>]/.test(text.slice(0, 4096));
  const feed: ParsedFeed = {
    format: isAtom ? 'atom' : 'rss',
    encoding: decoded.encoding,
    entries: ((result.items ?? []) as Array<Record<string, any>>).map((i) => entryOf(i, isAtom)),
  };
  const title = result.titleRaw ? contentOf(result.titleRaw)?.value : textOf(result.title);
  if (title) feed.title = title.trim();
  if (typeof result.link === 'string' && result.link.trim()) feed.link = result.link.trim();
  if (warning) feed.warning = warning;
  return feed;
}
