import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';
import type { LinkedinStream } from './config.js';
import { fixMojibake, parseArticleHtml, parseLinkedinDate, type CsvRow } from './parse.js';

/**
 * Pure mapping of the export's records to items: one function per file, all in this file so the columns LinkedIn
 * documents for each CSV are listed in one place. Ids are stable across archives: LinkedIn's own URN where a file
 * has one (Shares.csv's ShareLink, a connection's profile URL), else a hash of the fields that identify the record
 * and never change (a comment's post link and date, a message's conversation, date and sender).
 */

/** The header column every file must have (the CSV reader finds the header line by it). */
export const KEY_COLUMN: Record<Exclude<LinkedinStream, 'articles'>, string> = {
  profile: 'First Name',
  positions: 'Company Name',
  connections: 'First Name',
  posts: 'ShareCommentary',
  comments: 'Message',
  messages: 'CONVERSATION ID',
};

const digest = (...parts: string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex');
const shortHash = (...parts: string[]): string => digest(...parts).slice(0, 20);
const cell = (row: CsvRow, name: string): string => fixMojibake((row[name] ?? '').trim());
const firstLine = (s: string, max = 120): string => {
  const line = s.split('\n', 1)[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};
const compact = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;

/** The hash of what a memory shows: an unchanged record in a newer archive is not yielded again. */
export function itemHash(item: Item): string {
  return digest(
    JSON.stringify([item.content, item.title, item.url, item.author, item.occurredAt, item.thread, item.metadata]),
  ).slice(0, 16);
}

/** `urn:li:share:…` (or ugcPost/activity) from a ShareLink such as `…/feed/update/urn%3Ali%3Ashare%3A69…`. */
export function shareUrn(link: string): string | undefined {
  let decoded = link;
  try {
    decoded = decodeURIComponent(link);
  } catch {
    // a malformed escape: look in the raw link
  }
  return /urn:li:(?:share|ugcPost|activity):\d+/.exec(decoded)?.[0];
}

export type MapResult = { item: Item } | { error: string };

/** Shares.csv: Date, ShareLink, ShareCommentary, SharedUrl, MediaUrl, Visibility. */
function toPost(row: CsvRow): MapResult {
  const text = cell(row, 'ShareCommentary');
  const link = cell(row, 'ShareLink');
  const sharedUrl = cell(row, 'SharedUrl');
  const date = parseLinkedinDate(row.Date);
  if (!text && !sharedUrl && !link) return { error: 'a share with no text, link or URL' };
  const id = shareUrn(link) ?? `post:${shortHash(row.Date ?? '', text)}`;
  const content = [text, sharedUrl ? `Shared link: ${sharedUrl}` : ''].filter(Boolean).join('\n\n');
  return {
    item: {
      externalId: id,
      stream: 'posts',
      content,
      title: firstLine(text || sharedUrl),
      ...(link ? { url: link } : {}),
      ...(date ? { occurredAt: date } : {}),
      metadata: compact({ sharedUrl, mediaUrl: cell(row, 'MediaUrl'), visibility: cell(row, 'Visibility') }),
    },
  };
}

/** Comments.csv: Date, Link, Message. */
function toComment(row: CsvRow): MapResult {
  const text = cell(row, 'Message');
  const link = cell(row, 'Link');
  const date = parseLinkedinDate(row.Date);
  if (!text) return { error: 'a comment with no message' };
  return {
    item: {
      externalId: `comment:${shortHash(link, row.Date ?? '')}`,
      stream: 'comments',
      content: text,
      title: `Comment: ${firstLine(text, 100)}`,
      ...(link ? { url: link, thread: shareUrn(link) ?? link } : {}),
      ...(date ? { occurredAt: date } : {}),
    },
  };
}

/**
 * messages.csv: CONVERSATION ID, CONVERSATION TITLE, FROM, SENDER PROFILE URL, TO, RECIPIENT PROFILE URLS, DATE,
 * SUBJECT, CONTENT, FOLDER (newer archives add ATTACHMENTS and IS MESSAGE DRAFT). Rows carry no message id.
 */
function toMessage(row: CsvRow): MapResult {
  const conversation = cell(row, 'CONVERSATION ID');
  const text = cell(row, 'CONTENT');
  const from = cell(row, 'FROM');
  const date = parseLinkedinDate(row.DATE);
  if (!conversation) return { error: 'a message without a CONVERSATION ID' };
  if (!text) return { error: `an empty message in conversation ${conversation}` };
  const subject = cell(row, 'SUBJECT');
  const title = cell(row, 'CONVERSATION TITLE');
  const to = cell(row, 'TO');
  return {
    item: {
      externalId: `message:${conversation}:${shortHash(row.DATE ?? '', cell(row, 'SENDER PROFILE URL'), from, text)}`,
      stream: 'messages',
      // InMail and sponsored messages carry HTML
      content: text,
      contentType: /<\/?(p|br|div|a|span|strong|em)\b[^>]*>/i.test(text) ? 'html' : 'text',
      title: subject || title || `Message from ${from || 'unknown'}`,
      ...(from ? { author: from } : {}),
      ...(date ? { occurredAt: date } : {}),
      container: title || (to ? `LinkedIn messages with ${to}` : 'LinkedIn messages'),
      thread: conversation,
      metadata: compact({
        to,
        senderProfileUrl: cell(row, 'SENDER PROFILE URL'),
        recipientProfileUrls: cell(row, 'RECIPIENT PROFILE URLS'),
        folder: cell(row, 'FOLDER'),
        attachments: cell(row, 'ATTACHMENTS'),
        draft: cell(row, 'IS MESSAGE DRAFT'),
      }),
    },
  };
}

/** Connections.csv (after its "Notes:" preamble): First Name, Last Name, URL, Email Address, Company, Position, Connected On. */
function toConnection(row: CsvRow): MapResult {
  const name = [cell(row, 'First Name'), cell(row, 'Last Name')].filter(Boolean).join(' ');
  const url = cell(row, 'URL');
  const company = cell(row, 'Company');
  const position = cell(row, 'Position');
  const email = cell(row, 'Email Address');
  const date = parseLinkedinDate(row['Connected On']);
  if (!name && !url) return { error: 'a connection with no name or URL' };
  const role = [position, company].filter(Boolean).join(' at ');
  const lines = [`${name}${role ? `, ${role}` : ''}`, url, email ? `Email: ${email}` : ''];
  if (date) lines.push(`Connected on ${date.slice(0, 10)}`);
  return {
    item: {
      externalId: url
        ? `connection:${url.replace(/\/+$/, '')}`
        : `connection:${shortHash(name, row['Connected On'] ?? '')}`,
      stream: 'connections',
      content: lines.filter(Boolean).join('\n'),
      title: name || url,
      ...(url ? { url } : {}),
      ...(date ? { occurredAt: date } : {}),
      metadata: compact({ company, position, email }),
    },
  };
}

/** Profile.csv: one row (First Name, Last Name, Maiden Name, Address, Birth Date, Headline, Summary, Industry, …). */
function toProfile(row: CsvRow): MapResult {
  const name = [cell(row, 'First Name'), cell(row, 'Last Name')].filter(Boolean).join(' ');
  const headline = cell(row, 'Headline');
  const summary = cell(row, 'Summary');
  const fields = ['Industry', 'Geo Location', 'Websites', 'Twitter Handles']
    .map((k) => [k, cell(row, k)] as const)
    .filter(([, v]) => v);
  const content = [`# ${name || 'LinkedIn profile'}`, headline, summary, ...fields.map(([k, v]) => `${k}: ${v}`)]
    .filter(Boolean)
    .join('\n\n');
  return {
    item: {
      externalId: 'profile',
      stream: 'profile',
      content,
      contentType: 'markdown',
      title: name ? `${name} (LinkedIn profile)` : 'LinkedIn profile',
      metadata: compact({ headline, industry: cell(row, 'Industry') }),
    },
  };
}

/** Positions.csv: Company Name, Title, Description, Location, Started On, Finished On. */
function toPosition(row: CsvRow): MapResult {
  const company = cell(row, 'Company Name');
  const title = cell(row, 'Title');
  const started = cell(row, 'Started On');
  const finished = cell(row, 'Finished On');
  if (!company && !title) return { error: 'a position with no company or title' };
  const when = `${started || '?'} – ${finished || 'present'}`;
  const date = parseLinkedinDate(started);
  return {
    item: {
      externalId: `position:${shortHash(company, title, started)}`,
      stream: 'positions',
      content: [`${title}${company ? ` at ${company}` : ''} (${when})`, cell(row, 'Location'), cell(row, 'Description')]
        .filter(Boolean)
        .join('\n\n'),
      title: [title, company].filter(Boolean).join(' at '),
      ...(date ? { occurredAt: date } : {}),
      metadata: compact({ company, location: cell(row, 'Location'), startedOn: started, finishedOn: finished }),
    },
  };
}

const ROW_MAPPERS: Record<Exclude<LinkedinStream, 'articles'>, (row: CsvRow) => MapResult> = {
  profile: toProfile,
  positions: toPosition,
  connections: toConnection,
  posts: toPost,
  comments: toComment,
  messages: toMessage,
};

/** Maps one data row of a stream's CSV. */
export function toRowItem(stream: Exclude<LinkedinStream, 'articles'>, row: CsvRow): MapResult {
  return ROW_MAPPERS[stream](row);
}

/** An article's HTML file (`Articles/Articles/<name>.html`). */
export function toArticleItem(file: string, html: string): MapResult {
  const a = parseArticleHtml(html);
  const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.html$/i, '');
  if (!a.html.trim() && !a.title) return { error: `article ${name} is empty` };
  const date = a.published ?? a.created ?? parseLinkedinDate(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?/.exec(name)?.[0]);
  return {
    item: {
      externalId: `article:${name}`,
      stream: 'articles',
      content: a.html,
      contentType: 'html',
      title: a.title ?? name,
      ...(a.url ? { url: a.url } : {}),
      ...(date ? { occurredAt: date } : {}),
      metadata: compact({ file, created: a.created, published: a.published }),
    },
  };
}
