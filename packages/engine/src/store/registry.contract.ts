import { describe, expect, it } from 'vitest';
import type { MemoryStore } from './types.js';
import { newSource } from './contract-support.js';

const entry = { name: 'github', version: '1.0.0', origin: 'builtin' as const, manifestHash: 'h1' };

/** The connector registry port: every store adapter passes it (seed §B registry and feature-flag tables). */
export function registryContract(getStore: () => MemoryStore): void {
  describe('connector registry', () => {
    it('registers enabled; re-registering keeps enabled and installed_at, updates version and hash', async () => {
      const reg = getStore().connectorRegistry!;
      const first = await reg.register(entry);
      expect(first).toMatchObject({ name: 'github', version: '1.0.0', origin: 'builtin', enabled: true });
      expect(first.manifestHash).toBe('h1');
      expect(await reg.setEnabled('github', false)).toMatchObject({ enabled: false });
      const again = await reg.register({ ...entry, version: '1.1.0', manifestHash: 'h2', origin: 'plugin' });
      expect(again).toMatchObject({ version: '1.1.0', manifestHash: 'h2', origin: 'plugin', enabled: false });
      expect(again.installedAt).toBe(first.installedAt);
      expect(await reg.setEnabled('github', true)).toMatchObject({ enabled: true });
      await reg.register({ ...entry, name: 'slack' });
      expect((await reg.list()).map((e) => e.name)).toEqual(['github', 'slack']);
      expect(await reg.get('nope')).toBeNull();
      expect(await reg.setEnabled('nope', false)).toBeNull();
    });

    it('stores connector-wide feature settings (either part absent) and clears them', async () => {
      const reg = getStore().connectorRegistry!;
      await reg.register(entry);
      await reg.setConnectorFeature('github', 'pullRequests', {
        enabled: true,
        config: { includeReviews: false, maxAgeDays: 180, nested: { a: [1, 'ü'] } },
      });
      await reg.setConnectorFeature('github', 'commits', { enabled: false });
      await reg.setConnectorFeature('github', 'files', { config: { x: 1 } });
      expect(await reg.connectorFeatures('github')).toEqual({
        pullRequests: { enabled: true, config: { includeReviews: false, maxAgeDays: 180, nested: { a: [1, 'ü'] } } },
        commits: { enabled: false },
        files: { config: { x: 1 } },
      });
      await reg.setConnectorFeature('github', 'commits', null);
      expect(Object.keys(await reg.connectorFeatures('github')).sort()).toEqual(['files', 'pullRequests']);
      await expect(reg.setConnectorFeature('unknown', 'x', { enabled: true })).rejects.toMatchObject({
        code: 'not_found',
      });
      // removing the connector removes its settings
      expect(await reg.remove('github')).toBe(true);
      await reg.register(entry);
      expect(await reg.connectorFeatures('github')).toEqual({});
    });

    it('stores per-source feature configs, removed with the source', async () => {
      const store = getStore();
      const reg = store.connectorRegistry!;
      const s = await newSource(store);
      await reg.setSourceFeatureConfig(s.id, 'pullRequests', { includeReviews: true });
      await reg.setSourceFeatureConfig(s.id, 'pullRequests', { includeReviews: false, maxAgeDays: 7 });
      await reg.setSourceFeatureConfig(s.id, 'issues', { a: 1 });
      expect(await reg.sourceFeatureConfigs(s.id)).toEqual({
        pullRequests: { includeReviews: false, maxAgeDays: 7 },
        issues: { a: 1 },
      });
      await reg.setSourceFeatureConfig(s.id, 'issues', null);
      expect(Object.keys(await reg.sourceFeatureConfigs(s.id))).toEqual(['pullRequests']);
      await expect(reg.setSourceFeatureConfig('missing', 'x', {})).rejects.toMatchObject({ code: 'not_found' });
      await store.deleteSource(s.id);
      expect(await reg.sourceFeatureConfigs(s.id)).toEqual({});
    });
  });
}
