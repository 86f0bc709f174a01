import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchToolInput } from '../mcp/server.js';
import { createClient, startTestServer, type Client, type TestServer } from './test-support/server.js';

const item = (id: string, content: string, extra: Record<string, unknown> = {}) => ({
  external_id: id,
  content,
  content_type: 'text',
  metadata: { source_type: 'slack', timestamp: '2026-01-01T00:00:00.000Z', ...extra },
});

describe('importance and domain over REST (real SQLite)', () => {
  let server: TestServer;
  let call: Client;
  let id: string;
  beforeAll(async () => {
    server = await startTestServer();
    call = createClient(server.url, server.adminToken);
    id = (await call('POST', '/sources', { body: { source_type: 'push', name: 'chat' } })).body.id as string;
    const res = await call('POST', '/sources/{id}/ingest', {
      params: { id },
      body: {
        items: [
          item('quiet', 'the invoice for the heron account'),
          item('loud', 'the invoice for the heron account', { replyCount: 9, reactions: 7, starred: true }),
          item('trip', 'heron flight and hotel booking'),
        ],
      },
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => server.close());

  it('returns importance and domain on hits, timeline and memories', async () => {
    const { body } = await call('GET', '/search', { query: { q: 'heron' } });
    const hits = body.hits as Array<Record<string, any>>;
    const by = Object.fromEntries(hits.map((h) => [h.external_id, h]));
    expect(by.loud.importance).toBeGreaterThan(by.quiet.importance);
    expect(by.quiet.domain).toBe('finance');
    expect(by.trip.domain).toBe('travel');
    // Equal text: the important one ranks first (the boost).
    expect(hits.findIndex((h) => h.external_id === 'loud')).toBeLessThan(
      hits.findIndex((h) => h.external_id === 'quiet'),
    );
    const memory = await call('GET', '/memories/{id}', { params: { id: by.trip.memory_id } });
    expect(memory.body).toMatchObject({ domain: 'travel' });
    const tl = await call('GET', '/timeline', { query: { domain: 'travel' } });
    expect((tl.body.entries as any[]).map((e) => e.external_id)).toEqual(['trip']);
  });

  it('filters by min_importance and domain; refuses an importance outside 0–1', async () => {
    const loud = (await call('GET', '/search', { query: { q: 'heron' } })).body.hits.find(
      (h: any) => h.external_id === 'loud',
    );
    const high = await call('GET', '/search', { query: { q: 'heron', min_importance: String(loud.importance) } });
    expect(high.body.hits.map((h: any) => h.external_id)).toEqual(['loud']);
    const dom = await call('GET', '/search', { query: { q: 'heron', domain: 'travel,health' } });
    expect(dom.body.hits.map((h: any) => h.external_id)).toEqual(['trip']);
    const bad = await call('GET', '/search', { query: { q: 'heron', min_importance: '2' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
  });

  it('the MCP search tool takes the same filters', () => {
    expect(SearchToolInput.parse({ query: 'x', min_importance: 0.4, domain: 'work,code' })).toMatchObject({
      min_importance: 0.4,
      domain: ['work', 'code'],
    });
    expect(SearchToolInput.safeParse({ query: 'x', min_importance: -1 }).success).toBe(false);
  });
});

describe('privacy rules over REST (real SQLite)', () => {
  let server: TestServer;
  let call: Client;
  beforeAll(async () => {
    server = await startTestServer();
    call = createClient(server.url, server.adminToken);
  });
  afterAll(async () => server.close());

  it('saves rules, applies them to new items, dry-runs and purges stored matches', async () => {
    const id = (await call('POST', '/sources', { body: { source_type: 'push', name: 'p' } })).body.id as string;
    const ingest = (items: unknown[]) => call('POST', '/sources/{id}/ingest', { params: { id }, body: { items } });
    await ingest([item('old', 'old note with code 4242-77 ibis')]);
    const bad = await call('PUT', '/privacy/rules', { body: { redact: [{ pattern: '[' }] } });
    expect(bad.status).toBe(400);
    const rules = { redact: [{ pattern: '\\d{4}-\\d{2}' }], exclude: [{ field: 'author', pattern: 'bot$' }] };
    const dry = await call('POST', '/privacy/dry-run', { body: { rules } });
    expect(dry.body).toMatchObject({ scanned: 1, redacted: 1, dropped: 0 });
    expect((await call('GET', '/privacy/rules')).body).toEqual({ redact: [], exclude: [] });
    expect((await call('PUT', '/privacy/rules', { body: rules })).status).toBe(200);
    expect((await call('GET', '/privacy/rules')).body).toEqual(rules);

    await ingest([item('new', 'new code 1234-56 ibis'), item('spam', 'ibis ad', { author: 'ad-bot' })]);
    const hits = (await call('GET', '/search', { query: { q: 'ibis' } })).body.hits as any[];
    expect(hits.map((h) => h.external_id).sort()).toEqual(['new', 'old']);
    const memory = await call('GET', '/memories/{id}', {
      params: { id: hits.find((h) => h.external_id === 'new').memory_id },
    });
    expect(memory.body.content).toBe('new code [REDACTED] ibis');

    const purge = await call('POST', '/privacy/purge', { body: { match: '\\d{4}-\\d{2}' } });
    expect(purge.body).toMatchObject({ matched: 1, purged: 1 });
    const after = (await call('GET', '/search', { query: { q: 'ibis' } })).body.hits as any[];
    expect(after.map((h) => h.external_id)).toEqual(['new']);
  });
});
