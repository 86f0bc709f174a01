import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryState, type AnyConnector, type Page } from '@tributary/sdk';
import { createTestContext } from '@tributary/sdk/testing';
import { installPlugin } from './install.js';
import { scanPlugins } from './load.js';
import { writePlugin } from './test-support/plugin-fixtures.js';

// The message protocol between the host and a plugin's sandbox, end to end: every part of the read context a
// plugin may use crosses it (credentials, state, features with config, metrics, logs, progress, checkpoint, abort).
let tmp: string;
let proxy: AnyConnector;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-proxy-'));
  const dataDir = path.join(tmp, 'data');
  const dir = writePlugin(tmp, {
    connector: 'probe',
    prelude: `const Limits = z.object({ max: z.number().int().default(7) });
export const features = { extra: { default: false, description: 'Extra', config: Limits } };`,
    // count 0: a plugin that waits forever and ignores its abort signal.
    read: `if (ctx.config.count === 0) await new Promise(() => {});
    const cred = await ctx.credentials.get();
    ctx.logger.info('using token ' + cred.token);
    const seen = await ctx.state.get('seen');
    const listed = [];
    for await (const [k] of ctx.state.list('k:')) listed.push(k);
    const many = await ctx.state.getMany(['k:0001', 'nope']);
    ctx.metrics?.inc('pages_read', 2);
    ctx.metrics?.set('backlog', 5);
    ctx.progress({ phase: 'reading', message: 'probing' });
    const extra = ctx.featureSettings?.extra;
    const start = ctx.checkpoint?.done ?? 0;
    for (let p = start; p < start + ctx.config.count; p++) {
      if (ctx.signal.aborted) return;
      yield {
        items: [{ externalId: 'p' + p, stream: 'notes', content: JSON.stringify({ seen, listed: listed.length, many: [...many.keys()], extra, features: ctx.features }) }],
        state: { set: { ['page:' + p]: p } },
        checkpoint: { done: p + 1 },
      };
    }`,
  });
  // The prelude's `features` is declared beside the connector; the fixture's manifest does not use it, so patch it in.
  const { readFileSync, writeFileSync } = await import('node:fs');
  const index = path.join(dir, 'index.js');
  writeFileSync(index, readFileSync(index, 'utf8').replace("streams: ['notes'],", "streams: ['notes'], features,"));
  await installPlugin({ dataDir, spec: dir, cwd: tmp, builtinNames: [], env: process.env });
  proxy = scanPlugins(dataDir).loaded[0]!.connector;
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a sandboxed plugin connector', () => {
  it('reads through the protocol: credentials, state, features with config, metrics, logs, progress, checkpoint', async () => {
    // The feature's config schema came back from the description as a schema the host validates with.
    expect(proxy.manifest.features?.extra?.config?.parse({})).toEqual({ max: 7 });
    const state = createMemoryState(
      Array.from({ length: 1200 }, (_, i) => [`k:${String(i).padStart(4, '0')}`, i] as [string, unknown]),
    );
    state.apply({ set: { seen: 'yes' } });
    const metrics: Array<[string, string, number | undefined]> = [];
    const ctx = createTestContext(proxy, {
      config: { count: 6 },
      credentials: { kind: 'token', token: 's3cret-token' },
      features: { extra: true },
      checkpoint: { done: 10 },
      state,
    });
    Object.assign(ctx, {
      featureSettings: { extra: { enabled: true, config: { max: 3 } } },
      metrics: {
        inc: (name: string, by?: number) => metrics.push(['inc', name, by]),
        set: (name: string, value: number) => metrics.push(['set', name, value]),
      },
    });
    const pages: Page[] = [];
    for await (const page of proxy.read(ctx)) pages.push(page);
    expect(pages.map((p) => p.checkpoint)).toEqual([11, 12, 13, 14, 15, 16].map((done) => ({ done })));
    expect(pages[0]!.state).toEqual({ set: { 'page:10': 10 } });
    expect(JSON.parse(pages[0]!.items![0]!.content)).toEqual({
      seen: 'yes',
      listed: 1200, // listed in batches of 500 across the channel
      many: ['k:0001'],
      extra: { enabled: true, config: { max: 3 } },
      features: { extra: true },
    });
    expect(metrics).toEqual([
      ['inc', 'pages_read', 2],
      ['set', 'backlog', 5],
    ]);
    expect(ctx.progressReports).toContainEqual({ phase: 'reading', message: 'probing' });
    // The plugin logged its token: the host's logger redacted it.
    const line = ctx.logs.find((l) => l.message.startsWith('using token'));
    expect(line?.message).not.toContain('s3cret-token');
  }, 60_000);

  it('stops within the pages in flight when the run is aborted', async () => {
    const controller = new AbortController();
    const ctx = createTestContext(proxy, {
      config: { count: 100_000 },
      credentials: { kind: 'token', token: 't' },
      signal: controller.signal,
    });
    let n = 0;
    for await (const page of proxy.read(ctx)) {
      expect(page.checkpoint).toEqual({ done: n + 1 });
      if (++n === 3) controller.abort();
    }
    expect(n).toBeLessThanOrEqual(5); // at most the pages already in flight (window of 2)
  }, 60_000);

  it('ends a plugin that ignores its abort signal 2 s after the abort', async () => {
    const controller = new AbortController();
    const ctx = createTestContext(proxy, { config: { count: 0 }, signal: controller.signal });
    const reading = (async () => {
      for await (const _ of proxy.read(ctx)) throw new Error('no page expected');
    })();
    controller.abort();
    await expect(reading).rejects.toThrow(/was stopped: it did not stop within 2 s of being cancelled/);
  }, 30_000);

  it('checks in the sandbox too', async () => {
    const ctx = createTestContext(proxy, { config: {} });
    expect(await proxy.check(ctx)).toEqual({ ok: true, message: 'ok' });
  }, 30_000);
});
