import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineManifest } from './connector.js';
import { isLazyConnector, lazyConnector, resolveConnector } from './lazy-connector.js';

const manifest = defineManifest({
  name: 'lazy-demo',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Lazy demo',
  description: 'A connector whose code loads on first use.',
  auth: { type: 'none' },
  config: z.object({ n: z.number().default(2) }),
  checkpoint: z.object({ at: z.number() }),
  streams: ['messages'],
  capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true },
});

function setup(name = 'lazy-demo') {
  let loads = 0;
  const real = defineConnector({
    manifest: { ...manifest, name },
    async check() {
      return { ok: true, message: 'fine' };
    },
    async discover() {
      return [{ id: 'a', name: 'A', kind: 'thing' }];
    },
    async *read(ctx) {
      for (let i = 0; i < ctx.config.n; i++) yield { items: [], checkpoint: { at: i } };
    },
  });
  const lazy = lazyConnector(manifest, async () => {
    loads++;
    return real;
  }, ['discover']);
  return { lazy, real, loads: () => loads };
}

describe('lazyConnector', () => {
  it('has the checked manifest at once and loads the code only when first used, once', async () => {
    const { lazy, real, loads } = setup();
    expect(lazy.manifest).toEqual(real.manifest); // defaults filled in as defineConnector does
    expect(lazy.manifest.features).toEqual({});
    expect(isLazyConnector(lazy)).toBe(true);
    expect(isLazyConnector(real)).toBe(false);
    expect(loads()).toBe(0);
    expect(await lazy.check({} as never)).toEqual({ ok: true, message: 'fine' });
    expect(await lazy.discover!({} as never)).toHaveLength(1);
    const pages = [];
    for await (const p of lazy.read({ config: { n: 3 } } as never)) pages.push(p.checkpoint);
    expect(pages).toEqual([{ at: 0 }, { at: 1 }, { at: 2 }]);
    expect(loads()).toBe(1);
    expect(await resolveConnector(lazy)).toBe(real);
    expect(await resolveConnector(real)).toBe(real);
  });

  it('has exactly the optional methods declared', () => {
    const { lazy } = setup();
    expect(typeof lazy.discover).toBe('function');
    expect(lazy.watch).toBeUndefined();
    expect(lazy.webhook).toBeUndefined();
  });

  it('refuses a module whose connector has another name, and retries a failed import', async () => {
    const { lazy } = setup('other-name');
    await expect(lazy.check({} as never)).rejects.toThrow(/loaded a module whose connector is "other-name"/);
    let attempts = 0;
    const flaky = lazyConnector(manifest, async () => {
      if (++attempts === 1) throw new Error('not yet');
      return setup().real;
    });
    await expect(flaky.check({} as never)).rejects.toThrow('not yet');
    expect(await flaky.check({} as never)).toMatchObject({ ok: true });
  });

  it('checks the manifest up front', () => {
    expect(() => lazyConnector({ ...manifest, name: 'Bad Name' }, async () => setup().real)).toThrow(/manifest/i);
  });
});
