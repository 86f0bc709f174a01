import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { SDK_VERSION } from '@tributary/sdk';
import { repoRoot } from '../cli/test-support/spawn-cli.js';

// `@tributary/sdk` is what plugins build against: it must pack as a package of its own (types, exports map, semver
// version) and never depend on the engine or the connectors.
const sdkDir = path.join(repoRoot, 'packages/sdk');

describe('@tributary/sdk as a package', () => {
  it('packs with its types, both entry points and nothing else', () => {
    const out = execFileSync('npm', ['pack', '-w', 'packages/sdk', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const [pack] = JSON.parse(out) as Array<{ name: string; version: string; files: Array<{ path: string }> }>;
    const files = pack!.files.map((f) => f.path);
    expect(pack!.name).toBe('@tributary/sdk');
    expect(pack!.version).toBe(SDK_VERSION);
    for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js'])
      expect(files).toContain(f);
    expect(files).toContain('dist/testing/index.d.ts');
    expect(files.filter((f) => f.startsWith('src/') || f.includes('.test.') || f.endsWith('.tsbuildinfo'))).toEqual([]);
  }, 60_000);

  it('declares a semver version, an exports map with types, and no engine dependency', () => {
    const pkg = JSON.parse(readFileSync(path.join(sdkDir, 'package.json'), 'utf8'));
    expect(semver.valid(pkg.version)).toBe(pkg.version);
    expect(pkg.version).toBe(SDK_VERSION);
    expect(pkg.exports['.']).toMatchObject({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.exports['./testing']).toMatchObject({ types: './dist/testing/index.d.ts' });
    expect(pkg.exports['./package.json']).toBe('./package.json');
    const deps = { ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies };
    expect(Object.keys(deps).filter((d) => d.startsWith('@tributary/'))).toEqual([]);
    // Nor does its code import them.
    const sources = (readdirSync(path.join(sdkDir, 'src'), { recursive: true }) as string[]).filter((f) =>
      f.endsWith('.ts'),
    );
    const offenders = sources.filter((f) =>
      /from '@tributary\/(engine|connectors|app)|from 'tributary'/.test(
        readFileSync(path.join(sdkDir, 'src', f), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
