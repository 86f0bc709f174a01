import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { isSdkCompatible, type AnyConnector } from '@tributary/sdk';
import { builtinConnectors } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Folders that hold shared code, not a connector. */
const SHARED = new Set(['archive', 'mail', 'slack-shared']);

it('registers every connector folder, once, with a compatible SDK range', async () => {
  const registered = new Set(builtinConnectors.map((c) => c.manifest.name));
  expect(registered.size).toBe(builtinConnectors.length);
  const folders = readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !SHARED.has(d.name) && existsSync(path.join(here, d.name, 'index.ts')))
    .map((d) => d.name);
  for (const folder of folders) {
    const mod = (await import(`./${folder}/index.ts`)) as Record<string, unknown>;
    const defined = Object.values(mod).filter(
      (v): v is AnyConnector => typeof v === 'object' && v !== null && 'manifest' in v && 'read' in v,
    );
    expect(defined.length, `${folder}/index.ts exports a connector`).toBeGreaterThan(0);
    for (const c of defined) {
      expect(registered.has(c.manifest.name), `${c.manifest.name} (${folder}) is in builtinConnectors`).toBe(true);
      expect(isSdkCompatible(c.manifest.sdk)).toBe(true);
    }
  }
});
