import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';
import type { PageRow, VisitRow } from './reader.js';

/** The host of a URL, lower-cased, without a leading `www.`; undefined for URLs without one (about:, file:). */
export function domainOf(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host ? host.replace(/^www\./, '') : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `domain` is `rule` or a subdomain of it. */
const under = (domain: string, rule: string): boolean => {
  const r = rule
    .toLowerCase()
    .replace(/^\*?\.?/, '')
    .replace(/^www\./, '');
  return domain === r || domain.endsWith(`.${r}`);
};

/** Applies includeDomains / excludeDomains; a URL without a domain passes only when no include list is set. */
export function domainAllowed(url: string, include: string[], exclude: string[]): boolean {
  const d = domainOf(url);
  if (!d) return include.length === 0;
  if (exclude.some((r) => under(d, r))) return false;
  return include.length === 0 || include.some((r) => under(d, r));
}

/** The URL itself as the external id (stable across history rebuilds); a hash when it is too long for an id. */
export function pageExternalId(url: string): string {
  return url.length <= 1000 ? url : `urlhash:${createHash('sha256').update(url).digest('hex')}`;
}

const iso = (ms: number | undefined): string | undefined =>
  ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;

const clip = (s: string, max: number): string => (s.length <= max ? s : s.slice(0, max));

/** One page (URL) with its visit summary and latest visits in metadata. */
export function toPageItem(
  page: PageRow,
  visits: { firstMs?: number; recent: VisitRow[] } | undefined,
  browser: string,
  stream: string,
): Item {
  const domain = domainOf(page.url);
  const item: Item = {
    // A file can be downloaded twice from one URL: downloads are keyed by their row.
    externalId: stream === 'downloads' ? `download:${page.id}` : pageExternalId(page.url),
    stream,
    content: page.title ? `${page.title}\n${page.url}` : page.url,
    contentType: 'text',
    title: clip(page.title || page.url, 2000),
    url: page.url.length <= 4096 ? page.url : undefined,
    occurredAt: iso(page.lastVisitMs),
    metadata: {
      browser,
      domain,
      visitCount: page.visitCount,
      firstVisit: iso(visits?.firstMs),
      lastVisit: iso(page.lastVisitMs),
      visits: (visits?.recent ?? []).map((v) => ({ at: iso(v.timeMs), transition: v.transition })),
    },
  };
  if (domain) item.container = domain;
  return item;
}

/** One visit (feature `visits`). */
export function toVisitItem(visit: VisitRow, browser: string): Item {
  const domain = domainOf(visit.url);
  const item: Item = {
    externalId: `visit:${visit.id}`,
    stream: 'visits',
    content: visit.title ? `${visit.title}\n${visit.url}` : visit.url,
    contentType: 'text',
    title: clip(visit.title || visit.url, 2000),
    url: visit.url.length <= 4096 ? visit.url : undefined,
    occurredAt: iso(visit.timeMs),
    thread: pageExternalId(visit.url),
    metadata: { browser, domain, transition: visit.transition, fromVisit: visit.fromVisit },
  };
  if (domain) item.container = domain;
  return item;
}
