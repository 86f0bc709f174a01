import type { Item } from '@tributary/sdk';
import type { ParsedNote, WikiLink } from './parse.js';

export interface NoteFacts {
  /** Vault-relative path (`/` separators). */
  path: string;
  externalId: string;
  vaultName: string;
  mtimeMs: number;
  size: number;
  parsed: ParsedNote;
  resolve: (target: string, from: string) => string | undefined;
}

const DAILY = /^(\d{4})-(\d{2})-(\d{2})(?=$|[ _.-])/;

/** `YYYY-MM-DD` at the start of a file name (a daily note, or a dated post), as midnight UTC; else undefined. */
export function dailyNoteDate(fileName: string): string | undefined {
  const m = DAILY.exec(fileName.replace(/\.md$/i, ''));
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) || d.toISOString() !== iso ? undefined : iso;
}

/** A front-matter `date` (or `created`) as ISO, when it parses. */
export function frontmatterDate(fm: Record<string, unknown>): string | undefined {
  for (const key of ['date', 'created']) {
    const v = fm[key];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const d = new Date(v);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return undefined;
}

/** The `obsidian://open` link of a note (opens it in the desktop app). */
export function obsidianUrl(vaultName: string, notePath: string): string {
  return `obsidian://open?vault=${encodeURIComponent(vaultName)}&file=${encodeURIComponent(notePath.replace(/\.md$/i, ''))}`;
}

function resolveAll(links: WikiLink[], from: string, resolve: NoteFacts['resolve']): WikiLink[] {
  return links.map((l) => {
    const resolved = l.target ? resolve(l.target, from) : from; // [[#Heading]] points into the note itself
    return resolved ? { ...l, resolved } : l;
  });
}

/**
 * Maps a parsed note to an item. occurredAt: the file name's date (daily notes), else the front-matter `date`, else
 * the modification time. Tags: front matter `tags` and body `#tags`.
 */
export function toNoteItem(n: NoteFacts): Item {
  const fileName = n.path.slice(n.path.lastIndexOf('/') + 1);
  const folder = n.path.includes('/') ? n.path.slice(0, n.path.lastIndexOf('/')) : '';
  const fm = n.parsed.frontmatter;
  const title = typeof fm.title === 'string' && fm.title.trim() ? fm.title.trim() : fileName.replace(/\.md$/i, '');
  const aliases = Array.isArray(fm.aliases)
    ? fm.aliases.filter((a): a is string => typeof a === 'string')
    : typeof fm.aliases === 'string'
      ? [fm.aliases]
      : [];
  return {
    externalId: n.externalId,
    stream: 'notes',
    content: n.parsed.body,
    contentType: 'markdown',
    title: title.slice(0, 2000),
    url: obsidianUrl(n.vaultName, n.path),
    ...(typeof fm.author === 'string' && fm.author.trim() ? { author: fm.author.trim().slice(0, 512) } : {}),
    occurredAt: dailyNoteDate(fileName) ?? frontmatterDate(fm) ?? new Date(n.mtimeMs).toISOString(),
    container: folder || n.vaultName,
    ...(n.parsed.tags.length ? { tags: n.parsed.tags } : {}),
    metadata: {
      path: n.path,
      vault: n.vaultName,
      frontmatter: fm,
      ...(n.parsed.frontmatterError ? { frontmatterError: n.parsed.frontmatterError } : {}),
      aliases,
      links: resolveAll(n.parsed.links, n.path, n.resolve),
      embeds: resolveAll(n.parsed.embeds, n.path, n.resolve),
      modifiedAt: new Date(n.mtimeMs).toISOString(),
      size: n.size,
      ...(n.externalId !== n.path ? { renamedFrom: n.externalId } : {}),
    },
  };
}
