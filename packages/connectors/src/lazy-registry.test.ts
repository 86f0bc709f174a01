import { describe, expect, it } from 'vitest';
import { isLazyConnector, resolveConnector } from '@tributary/sdk';
import { builtinConnectors } from './index.js';

describe('lazy registry entries', () => {
  const lazy = builtinConnectors.filter(isLazyConnector);

  it('most built-in connectors load their code on first use', () => {
    expect(lazy.length).toBeGreaterThanOrEqual(19);
  });

  it.each(lazy.map((c) => [c.manifest.name, c] as const))(
    '%s: the manifest and optional methods are those of the loaded connector',
    async (_name, c) => {
      const real = await resolveConnector(c);
      expect(real).not.toBe(c);
      expect(c.manifest).toEqual(real.manifest);
      for (const m of ['discover', 'watch', 'webhook', 'pushRenewAt', 'onRemove'] as const)
        expect(typeof c[m], `${c.manifest.name}.${m}`).toBe(typeof real[m]);
    },
  );
});
