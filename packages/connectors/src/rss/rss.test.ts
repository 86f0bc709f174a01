import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { createMemoryState, parseConfig, type Item, type MemoryConnectorState, type Page } from '@tributary/sdk';
import { entriesToForget } from './checkpoint.js';
import { feedUrl, RssConfigSchema } from './config.js';
import { rssConnector } from './index.js';
import { FEEDPARSER_DIR, GUARDIAN, GUARDIAN_FIRST_GUID, RSS_PARSER_DIR, mutateGuardian } from './test-data.js';

const items = (pages: Page[]): Item[] => pages.flatMap((p) => p.items ?? []);

/** Connector state as the engine keeps it: committed with each page, carried to the read that resumes. */
let state: MemoryConnectorState = createMemoryState();

async function read(config: Record<string, unknown>, checkpoint?: unknown): Promise<Page[]> {
  const ctx = createTestContext(rssConnector, { config, ...(checkpoint ? { checkpoint, state } : {}) });
  const pages = await collectPages(rssConnector, ctx);
  state = ctx.state as MemoryConnectorState;
  return pages;
}

describe('rss config', () => {
  it('expands presets to feed urls', () => {
    const url = (raw: unknown): string | undefined => feedUrl(RssConfigSchema.parse(raw));
    expect(url({ preset: 'substack', name: 'platformer' })).toBe('https://platformer.substack.com/feed');
    expect(url({ preset: 'medium', name: '@ev' })).toBe('https://medium.com/feed/@ev');
    expect(url({ preset: 'youtube', channelId: 'UC_x5XG1OV2P6uZZ5FSM9Ttw' })).toBe(
      'https://www.youtube.com/feeds/videos.xml?channel_id=UC_x5XG1OV2P6uZZ5FSM9Ttw',
    );
    expect(url({ path: '/tmp/feed.xml' })).toBeUndefined();
  });

  it('refuses configs without exactly one source, or presets without their parameter', () => {
    expect(() => parseConfig(rssConnector, {})).toThrow(/exactly one of url, path or preset/);
    expect(() => parseConfig(rssConnector, { url: 'https://a.org/feed', path: '/x' })).toThrow(/exactly one/);
    expect(() => parseConfig(rssConnector, { preset: 'medium' })).toThrow(/needs a name/);
    expect(() => parseConfig(rssConnector, { preset: 'youtube', channelId: 'nope' })).toThrow(/channel id/);
    expect(() => parseConfig(rssConnector, { url: 'ftp://a.org/feed' })).toThrow(/config\.url/);
  });
});

describe('rss read', () => {
  it('maps the Guardian feed: 55 entries, markdown content, dates, authors, categories', async () => {
    const all = items(await read({ path: GUARDIAN }));
    expect(all).toHaveLength(55);
    const first = all[0]!;
    expect(first.externalId).toBe(GUARDIAN_FIRST_GUID);
    expect(first.url).toBe(GUARDIAN_FIRST_GUID);
    expect(first.occurredAt).toBe('2018-01-31T07:26:05.000Z');
    expect(first.author).toBe('David Smith in Washington');
    expect(first.container).toBe('The Guardian');
    expect(first.tags).toContain('State of the Union address');
    expect(first.contentType).toBe('markdown');
    expect(first.content).toMatch(/^The president’s ‘new American moment’ speech/);
    expect(first.content).not.toMatch(/<p>/);
  });

  it('prefers content:encoded and converts it to markdown with links kept', async () => {
    const all = items(await read({ path: path.join(RSS_PARSER_DIR, 'input', 'content-encoded.rss') }));
    expect(all).toHaveLength(7);
    expect(all[0]!.externalId).toBe('https://medium.com/p/125af37d838f');
    expect(all.every((i) => !/<\/?(p|div|figure)\b/.test(i.content))).toBe(true);
    expect(all.some((i) => /\[[^\]]+\]\(https?:\/\/[^)]+\)/.test(i.content))).toBe(true);
  });

  it('reads a JSON Feed, dropping scripts from its HTML', async () => {
    const all = items(await read({ path: path.join(FEEDPARSER_DIR, 'json', 'example.json') }));
    expect(all.map((i) => [i.externalId, i.url])).toEqual([
      ['2', 'https://example.org/second-item'],
      ['1', 'https://example.org/initial-post'],
    ]);
    expect(all[1]!.content).toBe('Hello, world!');
    expect(all[1]!.author).toBe('you');
    expect(all[0]!.tags).toEqual(['test', 'JSON']);
  });

  it('yields only new or changed entries from a checkpoint, and nothing when the feed is unchanged', async () => {
    const full = await read({ path: GUARDIAN });
    const cp = full.at(-1)!.checkpoint;
    expect(cp).toEqual({ v: 2 });
    expect([...state.snapshot().keys()].filter((k) => k.startsWith('e:'))).toHaveLength(55);
    expect(items(await read({ path: GUARDIAN }, cp))).toEqual([]);
  });

  it('bounds the remembered entries but never forgets those in the current feed', () => {
    const remembered: Array<[string, number]> = Array.from({ length: 10 }, (_, i) => [`e:old${i}`, i]);
    remembered.push(['e:a', 100], ['e:old3', 100]);
    const forget = entriesToForget(remembered, new Set(['e:a', 'e:old3']), 4);
    // The 4 most recently seen of those not in the feed stay (old9, old8, old7, old6); the feed's entries always stay.
    expect(forget.sort()).toEqual(['e:old0', 'e:old1', 'e:old2', 'e:old4', 'e:old5']);
  });

  it('reports a file that is not a feed as record_invalid', async () => {
    await expect(read({ path: path.join(RSS_PARSER_DIR, 'input', 'unrecognized.rss') })).rejects.toMatchObject({
      code: 'record_invalid',
    });
    const res = await rssConnector.check(
      createConnectorContext(rssConnector, { config: { path: '/nonexistent/feed.xml' } }),
    );
    expect(res).toEqual({ ok: false, message: expect.stringMatching(/does not exist/) });
  });
});

describe('rss over HTTP with conditional GET', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('sends the stored ETag and Last-Modified; a 304 yields an empty page with the same checkpoint', async () => {
    let body = readFileSync(GUARDIAN, 'utf8');
    let etag = '"v1"';
    const lastModified = 'Wed, 31 Jan 2018 08:00:00 GMT';
    const seenHeaders: IncomingHttpHeaders[] = [];
    server = createServer((req, res) => {
      seenHeaders.push(req.headers);
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag, 'last-modified': lastModified });
      res.end(body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;

    const first = await read({ url });
    expect(items(first)).toHaveLength(55);
    const cp = first.at(-1)!.checkpoint;
    expect(cp).toMatchObject({ etag: '"v1"', lastModified });
    // Only the last page carries the new validators: a run that dies earlier must refetch, not get a 304.
    expect(first.slice(0, -1).every((p) => p.checkpoint.etag === undefined)).toBe(true);
    expect(seenHeaders[0]!['if-none-match']).toBeUndefined();

    const second = await read({ url }, cp);
    expect(second).toEqual([{ items: [], checkpoint: cp }]);
    expect(seenHeaders[1]).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': lastModified });

    body = mutateGuardian(body);
    etag = '"v2"';
    const third = await read({ url }, cp);
    expect(
      items(third)
        .map((i) => i.externalId)
        .sort(),
    ).toEqual([GUARDIAN_FIRST_GUID, 'urn:test:new'].sort());
    expect(items(third).find((i) => i.externalId === GUARDIAN_FIRST_GUID)!.title).toMatch(/\(updated\)$/);
    expect(third.at(-1)!.checkpoint.etag).toBe('"v2"');
  });

  it('maps HTTP failures to error codes', async () => {
    server = createServer((_req, res) => {
      res.writeHead(404);
      res.end('no such feed');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/missing.xml`;
    await expect(read({ url })).rejects.toMatchObject({ code: 'not_found' });
    const res = await rssConnector.check(createConnectorContext(rssConnector, { config: { url } }));
    expect(res.ok).toBe(false);
  });
});

describe('rss titles and content', () => {
  it('shows HTML titles as plain text and Atom text titles as written', async () => {
    const { htmlTitleToText } = await import('./map.js');
    expect(htmlTitleToText('Example <b>Atom</b> &amp; more')).toBe('Example Atom & more');
    expect(htmlTitleToText('1. snake_case *stars*')).toBe('1. snake_case *stars*');
    const text = items(
      await read({ path: path.join(FEEDPARSER_DIR, 'wellformed', 'atom10', 'entry_title_text_plain_brackets.xml') }),
    );
    expect(text[0]!.title).toBe('History of the <blink> tag');
    const html = items(
      await read({ path: path.join(FEEDPARSER_DIR, 'wellformed', 'atom10', 'entry_title_escaped_markup.xml') }),
    );
    expect(html[0]!.title).toBe('Example Atom');
  });
});
