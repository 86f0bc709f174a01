import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESCRIPTOR_FILE, PluginDescriptorSchema } from './descriptor.js';
import { packageDir, packageHash, pluginDir } from './layout.js';
import { refusalLine, scanPlugins } from './load.js';
import { compatibilityRefusal, readPluginPackage, type PluginPackage } from './manifest.js';

// Start-up checks read files only: these plugins have no code at all, so any import would fail the test.
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-plugin-load-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** An installed plugin as `connectors install` leaves it, without running npm. */
function installed(name: string, pkg: Record<string, unknown>, opts: { folder?: string; hash?: string } = {}) {
  const dir = pluginDir(dataDir, opts.folder ?? name);
  const pkgName = String(pkg.name ?? `tributary-connector-${name}`);
  const pkgDir = packageDir(dir, pkgName);
  mkdirSync(pkgDir, { recursive: true });
  writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify(pkg));
  // Parsed, so defaults of manifest fields this test does not name are filled in as an install would.
  const descriptor = PluginDescriptorSchema.parse({
    v: 1,
    package: pkgName,
    version: String(pkg.version ?? '1.0.0'),
    origin: { kind: 'folder', spec: '/somewhere' },
    installedAt: '2026-01-01T00:00:00.000Z',
    packageHash: opts.hash ?? packageHash(pkgDir),
    connector: {
      manifest: {
        name,
        version: '1.0.0',
        sdk: '^1.0.0',
        title: name,
        description: 'test',
        auth: { type: 'none' },
        features: {},
        streams: ['notes'],
        capabilities: { incremental: false, deletions: false, webhooks: false, fullRefresh: true, local: false },
        kind: 'local',
        configSchema: { type: 'object', properties: { n: { type: 'integer', default: 2 } } },
        checkpointSchema: { type: 'object' },
      },
      has: { discover: false, watch: false, webhook: false },
    },
  });
  writeFileSync(path.join(dir, DESCRIPTOR_FILE), JSON.stringify(descriptor));
  return dir;
}

const good = (name: string, extra: Record<string, unknown> = {}) => ({
  name: `tributary-connector-${name}`,
  version: '1.0.0',
  tributary: { connector: name, sdk: '^1.0.0' },
  ...extra,
});

describe('plugin start-up checks (no code loaded)', () => {
  it('loads a valid plugin as a connector whose config schema comes from its description', () => {
    installed('notes', good('notes'));
    const scan = scanPlugins(dataDir, { builtinNames: ['synthetic'] });
    expect(scan.refused).toEqual([]);
    expect(scan.loaded.map((l) => l.connector.manifest.name)).toEqual(['notes']);
    expect(scan.loaded[0]!.connector.manifest.config.parse({})).toEqual({ n: 2 });
    expect(() => scan.loaded[0]!.connector.manifest.config.parse({ n: 'x' })).toThrow();
  });

  it('refuses each bad plugin with its reason and still loads the rest', () => {
    installed('ok', good('ok'));
    installed('future', good('future', { tributary: { connector: 'future', sdk: '^9.0.0' } }));
    installed('old-node', good('old-node', { engines: { node: '>=99' } }));
    installed('synthetic', good('synthetic'));
    installed('no-field', { name: 'tributary-connector-no-field', version: '1.0.0' });
    installed('bad-range', good('bad-range', { tributary: { connector: 'bad-range', sdk: 'whenever' } }));
    installed('edited', good('edited'), { hash: 'not-the-hash' });
    installed('renamed', good('other'), { folder: 'renamed' });
    mkdirSync(pluginDir(dataDir, 'half-installed'), { recursive: true });
    // An install record that would point outside the plugin folder is not trusted.
    const sneaky = installed('sneaky', good('sneaky'));
    const record = JSON.parse(readFileSync(path.join(sneaky, DESCRIPTOR_FILE), 'utf8'));
    writeFileSync(path.join(sneaky, DESCRIPTOR_FILE), JSON.stringify({ ...record, package: '../../../ok' }));
    const scan = scanPlugins(dataDir, { builtinNames: ['synthetic'] });
    expect(scan.loaded.map((l) => l.connector.manifest.name)).toEqual(['ok']);
    const why = Object.fromEntries(scan.refused.map((r) => [r.name, r]));
    expect(why.future).toMatchObject({ reason: 'sdk_incompatible' });
    expect(why.future!.message).toMatch(
      /needs @tributary\/sdk \^9\.0\.0, but this Tributary provides @tributary\/sdk 1\.0\.0/,
    );
    expect(why['old-node']).toMatchObject({ reason: 'node_incompatible' });
    expect(why['old-node']!.message).toMatch(
      new RegExp(`needs Node >=99, but this host runs Node ${process.versions.node}`),
    );
    expect(why.synthetic).toMatchObject({ reason: 'name_clash' });
    expect(why['no-field']).toMatchObject({ reason: 'invalid_manifest' });
    expect(why['no-field']!.message).toMatch(/package\.json\.tributary/);
    expect(why['bad-range']!.message).toMatch(/package\.json\.tributary\.sdk: must be a semver range/);
    expect(why.edited!.message).toMatch(/package\.json changed after it was installed.*connectors upgrade edited/);
    expect(why.renamed!.message).toMatch(/installed as "renamed" but declares connector "other"/);
    expect(why['half-installed']!.message).toMatch(/install record tributary-plugin\.json is missing/);
    expect(why.sneaky!.message).toMatch(/install record tributary-plugin\.json is missing or invalid/);
    expect(refusalLine(why.future!)).toMatch(
      /^Plugin "future" \(tributary-connector-future@1\.0\.0\) was not loaded: /,
    );
  });

  it('checks the SDK and Node ranges against the host versions it is given', () => {
    const pkg = (p: Record<string, unknown>): PluginPackage => {
      installed('x', p);
      const read = readPluginPackage(packageDir(pluginDir(dataDir, 'x'), 'tributary-connector-x'));
      if (!('pkg' in read)) throw new Error(read.refusal.message);
      return read.pkg;
    };
    const host = { sdk: '1.4.0', node: '20.19.0' };
    expect(compatibilityRefusal(pkg(good('x', { tributary: { connector: 'x', sdk: '^1.2.0' } })), host)).toBeNull();
    expect(compatibilityRefusal(pkg(good('x', { tributary: { connector: 'x', sdk: '^1.5.0' } })), host)?.reason).toBe(
      'sdk_incompatible',
    );
    expect(compatibilityRefusal(pkg(good('x', { engines: { node: '>=22' } })), host)?.message).toMatch(
      /needs Node >=22, but this host runs Node 20\.19\.0/,
    );
  });
});
