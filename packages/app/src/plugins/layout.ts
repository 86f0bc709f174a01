import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TributaryError } from '@tributary/sdk';
import type { PluginPackage } from './manifest.js';

/**
 * Where plugins live: `<dataDir>/plugins/<connector>/` is an npm prefix of its own (package.json, package-lock.json,
 * `node_modules/` with the plugin and ITS dependencies, so two plugins can use two majors of one library), plus the
 * install record `tributary-plugin.json`.
 */
export function pluginsDir(dataDir: string): string {
  return path.join(dataDir, 'plugins');
}

export function pluginDir(dataDir: string, connector: string): string {
  return path.join(pluginsDir(dataDir), connector);
}

/** The installed package's own folder inside a plugin folder. */
export function packageDir(dir: string, packageName: string): string {
  return path.join(dir, 'node_modules', ...packageName.split('/'));
}

/** sha256 of a package.json: a plugin whose package.json changed after install is described again (by upgrade). */
export function packageHash(pkgDir: string): string {
  return createHash('sha256')
    .update(readFileSync(path.join(pkgDir, 'package.json')))
    .digest('hex');
}

/** The folder of the SDK this host runs: plugins import it (a peer dependency the host provides). */
export function hostSdkDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('@tributary/sdk/package.json'));
}

/**
 * Makes `@tributary/sdk` inside a plugin folder the host's own SDK (a symlink), so a plugin's `defineConnector`, `z`
 * and errors are the host's and its peer dependency is met without the registry. Re-pointed when the host moved.
 */
export function linkHostSdk(dir: string, sdkDir = hostSdkDir()): void {
  const link = path.join(dir, 'node_modules', '@tributary', 'sdk');
  try {
    const st = lstatSync(link);
    if (st.isSymbolicLink() && readlinkSync(link) === sdkDir) return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // absent: created below
  }
  mkdirSync(path.dirname(link), { recursive: true });
  try {
    symlinkSync(sdkDir, link, 'dir');
  } catch (err) {
    // Another process (a sync thread scanning at the same moment) made the same link first.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || readlinkSync(link) !== sdkDir) throw err;
  }
}

/**
 * The module that exports the connector: `tributary.entry`, else `main`, else `index.js`; it must stay inside the
 * package (a manifest cannot point the host at another file on the server).
 * @throws TributaryError `invalid_config` naming the field
 */
export function entryOf(pkgDir: string, pkg: PluginPackage): string {
  const rel = pkg.tributary.entry ?? pkg.main ?? 'index.js';
  const entry = path.resolve(pkgDir, rel);
  if (entry !== pkgDir && !entry.startsWith(pkgDir + path.sep))
    throw new TributaryError('invalid_config', `package.json tributary.entry "${rel}" points outside the package.`, {
      issues: [{ path: 'tributary.entry', message: 'outside the package' }],
    });
  return entry;
}
