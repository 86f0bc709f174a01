import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';
import { convert } from 'html-to-text';
import TurndownService from 'turndown';
import type { ParsedEntry, ParsedFeed } from './parse.js';

function absolute(url: string | undefined | null, base: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, base).toString();
  } catch {
    return url;
  }
}

/** A turndown instance whose links and images resolve against `base`; scripts, styles and embeds are dropped. */
function converter(base: string | undefined): TurndownService {
  const td = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
  });
  td.remove(['script', 'style', 'noscript', 'iframe', 'object', 'embed', 'form', 'template'] as never);
  td.addRule('absoluteLinks', {
    filter: (node) => node.nodeName === 'A' && Boolean(node.getAttribute('href')),
    replacement: (content, node) => {
      const href = absolute((node as HTMLElement).getAttribute('href'), base);
      const text = content.trim();
      if (!text) return '';
      return href && href !== text ? `[${text}](${href})` : text;
    },
  });
  td.addRule('absoluteImages', {
    filter: 'img',
    replacement: (_content, node) => {
      const src = absolute((node as HTMLElement).getAttribute('src'), base);
      const alt = ((node as HTMLElement).getAttribute('alt') ?? '').replace(/[[\]]/g, '');
      return src ? `![${alt}](${src})` : '';
    },
  });
  return td;
}

const HTML_HINT = /<\/?[a-z][a-z0-9]*[\s/>]|&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i;

/** HTML (or text that may hold entities) → Markdown; plain text is returned as it is. */
export function htmlToMarkdown(value: string, base?: string): string {
  if (!HTML_HINT.test(value)) return value.trim();
  return converter(base).turndown(value).trim();
}

/** An HTML title → plain text (titles are shown as text, so no Markdown escapes). */
export function htmlTitleToText(value: string): string {
  if (!HTML_HINT.test(value)) return value.trim();
  return convert(value, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
    ],
  })
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The entry's memory id: its guid/id, else its link, else a hash of title and date (feeds without ids exist; an
 * entry edited in such a feed then becomes a new memory, which is the best that can be done).
 */
export function entryExternalId(entry: ParsedEntry, feedLink: string | undefined): string {
  if (entry.id) return entry.id;
  const link = absolute(entry.link, feedLink);
  if (link) return link;
  const basis = JSON.stringify([
    entry.title ?? '',
    entry.published ?? entry.updated ?? '',
    entry.content?.value.slice(0, 200) ?? '',
  ]);
  return `sha256:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

/** Maps one feed entry to an item (content as Markdown). */
export function toFeedItem(entry: ParsedEntry, feed: ParsedFeed, feedUrl: string | undefined): Item {
  const url = absolute(entry.link, feed.link ?? feedUrl);
  const base = url ?? feed.link ?? feedUrl;
  const body =
    entry.content ?? (entry.summary !== undefined ? { value: entry.summary, type: 'html' as const } : undefined);
  const content = body ? (body.type === 'html' ? htmlToMarkdown(body.value, base) : body.value.trim()) : '';
  const title = entry.title ? (entry.titleType === 'text' ? entry.title : htmlTitleToText(entry.title)) : undefined;
  const metadata: Record<string, unknown> = { format: feed.format };
  if (feedUrl) metadata.feedUrl = feedUrl;
  if (feed.title) metadata.feedTitle = feed.title;
  if (entry.id) metadata.guid = entry.id;
  if (entry.published) metadata.published = entry.published;
  if (entry.updated) metadata.updated = entry.updated;
  if (entry.enclosure) metadata.enclosure = { ...entry.enclosure, url: absolute(entry.enclosure.url, base) };
  if (entry.summary && entry.content) metadata.summary = htmlToMarkdown(entry.summary, base).slice(0, 2000);
  const item: Item = {
    externalId: entryExternalId(entry, feed.link ?? feedUrl),
    stream: 'entries',
    content,
    contentType: 'markdown',
    metadata,
  };
  if (title) item.title = title.slice(0, 2000);
  if (url && url.length <= 4096) item.url = url;
  if (entry.author) item.author = entry.author.slice(0, 512);
  const occurredAt = entry.published ?? entry.updated;
  if (occurredAt) item.occurredAt = occurredAt;
  if (feed.title) item.container = feed.title.slice(0, 1024);
  const tags = [...new Set(entry.categories.map((c) => c.slice(0, 200)))].slice(0, 200);
  if (tags.length) item.tags = tags;
  return item;
}

/** A short digest of what makes a new version of an entry, kept in the checkpoint. */
export function entryDigest(item: Item): string {
  const basis = JSON.stringify([
    item.title ?? '',
    item.content,
    item.url ?? '',
    item.occurredAt ?? '',
    item.author ?? '',
    (item.metadata as { updated?: string } | undefined)?.updated ?? '',
  ]);
  return createHash('sha256').update(basis).digest('hex').slice(0, 12);
}
