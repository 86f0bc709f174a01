import { readFile, stat } from 'node:fs/promises';
import { TributaryError, errorForStatus, type HttpClient } from '@tributary/sdk';

/** Largest feed body read (feeds are kilobytes to a few megabytes; this stops a wrong url streaming a video). */
export const MAX_FEED_BYTES = 50 * 1024 * 1024;

export type FeedResponse =
  | { notModified: true }
  | { notModified: false; bytes: Uint8Array; contentType?: string; etag?: string; lastModified?: string };

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

/**
 * GETs a feed, conditionally when validators from the last fetch are known: a `304 Not Modified` answers
 * `{ notModified: true }` without a body.
 * @throws TributaryError mapped from the HTTP status (`not_found`, `permission_denied`, `upstream_unavailable` …)
 */
export async function fetchFeed(
  http: HttpClient,
  url: string,
  validators: { etag?: string | undefined; lastModified?: string | undefined },
): Promise<FeedResponse> {
  const headers: Record<string, string> = { accept: ACCEPT };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  const res = await http.fetch(url, { headers, redirect: 'follow' });
  if (res.status === 304) {
    await res.body?.cancel().catch(() => undefined);
    return { notModified: true };
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw errorForStatus(
      res.status,
      `GET ${url.split('?')[0]} → HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}. Check the feed address.`,
    );
  }
  const length = Number(res.headers.get('content-length'));
  if (Number.isFinite(length) && length > MAX_FEED_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new TributaryError(
      'upstream_error',
      `The feed at ${url.split('?')[0]} is ${length} bytes, over the ${MAX_FEED_BYTES}-byte limit: is this a feed address?`,
    );
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const out: FeedResponse = { notModified: false, bytes };
  const contentType = res.headers.get('content-type');
  const etag = res.headers.get('etag');
  const lastModified = res.headers.get('last-modified');
  if (contentType) out.contentType = contentType;
  if (etag) out.etag = etag;
  if (lastModified) out.lastModified = lastModified;
  return out;
}

/**
 * Reads a feed file.
 * @throws TributaryError `invalid_config` when it does not exist or is too large
 */
export async function readFeedFile(file: string): Promise<Uint8Array> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile())
    throw new TributaryError(
      'invalid_config',
      `Feed file "${file}" does not exist: set config.path to a feed file, or use config.url`,
    );
  if (info.size > MAX_FEED_BYTES)
    throw new TributaryError(
      'invalid_config',
      `Feed file "${file}" is ${info.size} bytes, over the ${MAX_FEED_BYTES}-byte limit`,
    );
  return new Uint8Array(await readFile(file));
}
