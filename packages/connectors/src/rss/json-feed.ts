import { z } from 'zod';
import type { ParsedFeed } from './parse.js';
import { jsonErrorText } from '../lib/json-error.js';

/** JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1), the fields Tributary keeps. */
const AuthorSchema = z.object({ name: z.string().optional(), url: z.string().optional() }).loose();
export const JsonFeedSchema = z
  .object({
    version: z.string().regex(/^https:\/\/jsonfeed\.org\/version\/1(\.1)?$/, 'not a JSON Feed version URL'),
    title: z.string().optional(),
    home_page_url: z.string().optional(),
    feed_url: z.string().optional(),
    author: AuthorSchema.optional(),
    authors: z.array(AuthorSchema).optional(),
    items: z.array(
      z
        .object({
          id: z.union([z.string(), z.number()]).transform(String),
          url: z.string().optional(),
          external_url: z.string().optional(),
          title: z.string().optional(),
          content_html: z.string().optional(),
          content_text: z.string().optional(),
          summary: z.string().optional(),
          date_published: z.string().optional(),
          date_modified: z.string().optional(),
          author: AuthorSchema.optional(),
          authors: z.array(AuthorSchema).optional(),
          tags: z.array(z.string()).optional(),
        })
        .loose(),
    ),
  })
  .loose();

function iso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/**
 * Parses a JSON Feed document.
 * @throws Error naming the first invalid field
 */
export function parseJsonFeed(text: string, encoding: string): ParsedFeed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid JSON Feed: ${jsonErrorText(err)}`);
  }
  const result = JsonFeedSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`invalid JSON Feed: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const feed = result.data;
  const feedAuthor = feed.authors?.[0]?.name ?? feed.author?.name;
  return {
    format: 'json',
    encoding,
    ...(feed.title ? { title: feed.title } : {}),
    ...(feed.home_page_url ? { link: feed.home_page_url } : {}),
    entries: feed.items.map((item) => {
      const author = item.authors?.[0]?.name ?? item.author?.name ?? feedAuthor;
      const published = iso(item.date_published);
      const updated = iso(item.date_modified);
      return {
        id: item.id,
        ...((item.url ?? item.external_url) ? { link: (item.url ?? item.external_url)! } : {}),
        ...(item.title ? { title: item.title } : {}),
        ...(published ? { published } : {}),
        ...(updated ? { updated } : {}),
        ...(item.content_html !== undefined
          ? { content: { value: item.content_html, type: 'html' as const } }
          : item.content_text !== undefined
            ? { content: { value: item.content_text, type: 'text' as const } }
            : {}),
        ...(item.summary ? { summary: item.summary } : {}),
        ...(author ? { author } : {}),
        categories: item.tags ?? [],
      };
    }),
  };
}
