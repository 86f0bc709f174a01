import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import { TributaryError } from '../errors.js';
import { createMemoryConnector, createMemoryUpstream } from './test-support/memory-connector.js';
import {
  applyPages,
  collectPages,
  createConnectorContext,
  createTestContext,
  diffStates,
  describeDiff,
  itemHash,
} from './index.js';

const upstream = createMemoryUpstream();
const connector = createMemoryConnector(upstream);

describe('createTestContext', () => {
  it('parses the config with defaults and picks the mode from the checkpoint', () => {
    const first = createTestContext(connector, { config: { label: 'x' } });
    // Typed as the connector's own context: its config type flows through.
    const pageSize: number = first.config.pageSize;
    expect(pageSize).toBe(2);
    expect(first.config).toEqual({ label: 'x', pageSize: 2 });
    expect(first.mode).toBe('backfill');
    expect(first.checkpoint).toBeUndefined();
    expect(first.hints).toEqual({});
    const resumed = createTestContext(connector, { config: { label: 'x' }, checkpoint: { seq: 4 } });
    expect(resumed.mode).toBe('incremental');
    expect(resumed.checkpoint).toEqual({ seq: 4 });
    expect(
      createTestContext(connector, { config: { label: 'x' }, checkpoint: { seq: 4 }, mode: 'full_refresh' }).mode,
    ).toBe('full_refresh');
  });

  it('refuses a bad config, an unknown feature and (by default) a checkpoint that does not parse', () => {
    expect(() => createTestContext(connector, { config: { label: 'x', pageSize: -1 } })).toThrow(/config\.pageSize/);
    expect(() => createTestContext(connector, { config: { label: 'x' }, features: { turbo: true } })).toThrow(
      /Unknown feature "turbo"/,
    );
    try {
      createTestContext(connector, { config: { label: 'x' }, checkpoint: { seq: 'nine' } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TributaryError);
      expect((err as TributaryError).code).toBe('cursor_invalid');
      expect((err as TributaryError).message).toMatch(/checkpoint\.seq/);
    }
    const reset = createTestContext(connector, {
      config: { label: 'x' },
      checkpoint: { seq: 'nine' },
      onInvalidCheckpoint: 'reset',
    });
    expect(reset.checkpoint).toBeUndefined();
    expect(reset.mode).toBe('backfill');
  });

  it('serves the credential on get and refresh, and collects redacted logs, progress and api calls', async () => {
    const ctx = createTestContext(connector, {
      config: { label: 'x' },
      credentials: { kind: 'token', token: 'tok-very-secret' },
    });
    expect(await ctx.credentials.get()).toEqual({ kind: 'token', token: 'tok-very-secret' });
    expect(await ctx.credentials.refresh()).toEqual({ kind: 'token', token: 'tok-very-secret' });
    ctx.logger.debug('using tok-very-secret now', { header: 'x tok-very-secret' });
    ctx.progress({ phase: 'notes', done: 3 });
    ctx.countApiCall(2);
    expect(ctx.logs).toHaveLength(1);
    expect(JSON.stringify(ctx.logs)).not.toContain('tok-very-secret');
    expect(ctx.logs[0]!.fields).toMatchObject({ connector: 'memory-notes' });
    expect(ctx.progressReports).toEqual([{ phase: 'notes', done: 3 }]);
    expect(ctx.stats.apiCalls).toBe(2);
  });

  it('uses the given signal, clock and fetch', async () => {
    const controller = new AbortController();
    const clock = createManualClock(1000);
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      seen.push(String(input));
      return new Response('{"a":1}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const ctx = createConnectorContext(connector, { config: { label: 'x' }, signal: controller.signal, clock, fetch });
    expect(ctx.signal).toBe(controller.signal);
    expect(ctx.clock.now()).toBe(1000);
    expect(await ctx.http.json('http://upstream.test/a')).toEqual({ a: 1 });
    expect(seen).toEqual(['http://upstream.test/a']);
    expect(ctx.stats.apiCalls).toBe(1);
  });
});

describe('collectPages and applyPages', () => {
  it('collects every page, or stops after maxPages', async () => {
    upstream.reset(5);
    const all = await collectPages(connector, createTestContext(connector, { config: { label: 'x' } }));
    expect(all.map((p) => p.items?.map((i) => i.externalId))).toEqual([
      ['note-1', 'note-2'],
      ['note-3', 'note-4'],
      ['note-5'],
    ]);
    const two = await collectPages(connector, createTestContext(connector, { config: { label: 'x' } }), {
      maxPages: 2,
    });
    expect(two).toHaveLength(2);
  });

  it('upserts by external id (last write wins), then applies the page deletes', () => {
    const a1 = { externalId: 'a', stream: 'notes', content: 'one' };
    const a2 = { externalId: 'a', stream: 'notes', content: 'two' };
    const b = { externalId: 'b', stream: 'notes', content: 'bee' };
    const state = applyPages(new Map(), [
      { items: [a1, b], checkpoint: {} },
      { items: [a2], deletes: ['b', 'never-seen'], checkpoint: {} },
    ]);
    expect([...state.keys()]).toEqual(['a']);
    expect(state.get('a')!.item.content).toBe('two');
    expect(state.get('a')!.hash).toBe(itemHash(a2));
  });

  it('hashes title, content, content type and stream, and nothing else', () => {
    const base = { externalId: 'a', stream: 'notes', content: 'x', title: 't' };
    expect(itemHash({ ...base, url: 'https://e.test', metadata: { n: 1 } })).toBe(itemHash(base));
    expect(itemHash({ ...base, contentType: 'text' })).toBe(itemHash(base));
    for (const change of [
      { title: 'u' },
      { content: 'y' },
      { contentType: 'markdown' as const },
      { stream: 'other' },
    ]) {
      expect(itemHash({ ...base, ...change })).not.toBe(itemHash(base));
    }
  });

  it('describes state differences by id', () => {
    const expected = applyPages(new Map(), [
      {
        items: [
          { externalId: 'a', stream: 's', content: '1' },
          { externalId: 'b', stream: 's', content: '2' },
        ],
        checkpoint: {},
      },
    ]);
    const actual = applyPages(new Map(), [
      {
        items: [
          { externalId: 'a', stream: 's', content: 'changed' },
          { externalId: 'c', stream: 's', content: '3' },
        ],
        checkpoint: {},
      },
    ]);
    const diff = diffStates(expected, actual);
    expect(diff).toEqual({ missing: ['b'], extra: ['c'], changed: ['a'] });
    expect(describeDiff(diff)).toBe('lost 1: "b"; unexpected 1: "c"; different content 1: "a"');
  });
});
