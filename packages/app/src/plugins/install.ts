import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSdkCompatible, SDK_VERSION, TributaryError } from '@tributary/sdk';
import { DESCRIPTOR_FILE, type PluginDescriptor, type PluginOrigin } from './descriptor.js';
import { describePlugin } from './describe.js';
import { entryOf, linkHostSdk, packageDir, packageHash, pluginDir, pluginsDir } from './layout.js';
import { readDescriptor } from './load.js';
import { compatibilityRefusal, readPluginPackage } from './manifest.js';
import { sandboxLimitsFromEnv } from './sandbox/session.js';

export interface InstallOptions {
  dataDir: string;
  /** An npm package spec (`tributary-connector-x`, `name@^2`), a folder, or a `.tgz` file. */
  spec: string;
  /** Where a relative folder or file spec is resolved. */
  cwd: string;
  /** Names of the built-in connectors (a plugin may not take one). */
  builtinNames: Iterable<string>;
  env: Record<string, string | undefined>;
  /** Replace the installed plugin of this name (`connectors upgrade`). */
  replace?: string;
}

/** What `connectors install` reports. */
export interface Installed {
  name: string;
  dir: string;
  descriptor: PluginDescriptor;
  replaced?: string;
}

/** Words `tributary connectors <word>` takes as a command: a connector of that name could not be shown by name. */
const RESERVED_NAMES = new Set([
  'list',
  'install',
  'remove',
  'upgrade',
  'enable',
  'disable',
  'status',
  'features',
  'feature',
]);

/** Classifies what the user gave: an existing folder, an existing .tgz, else an npm spec. */
export function originOf(spec: string, cwd: string): PluginOrigin {
  const full = path.resolve(cwd, spec);
  if (existsSync(full)) {
    if (statSync(full).isDirectory()) return { kind: 'folder', spec: full };
    if (/\.(tgz|tar\.gz)$/i.test(full)) return { kind: 'tgz', spec: full };
    throw new TributaryError('invalid_input', `${spec} is a file but not a .tgz package (npm pack makes one).`, {
      issues: [{ path: 'spec', message: 'not a folder, .tgz or npm package name' }],
    });
  }
  if (/^[./~]/.test(spec) || spec.includes(path.sep + path.sep))
    throw new TributaryError('not_found', `No folder or file at ${full}.`, {
      issues: [{ path: 'spec', message: 'no such file or folder' }],
    });
  return { kind: 'npm', spec };
}

/**
 * Installs a plugin: `npm install --prefix` into a staging folder (its own node_modules; install scripts are not
 * run; peer dependencies are not fetched: the host provides `@tributary/sdk`), then the same checks as at start-up
 * (manifest, SDK range, Node range, name), then a sandboxed `describe` of its connector, then an atomic move into
 * `<dataDir>/plugins/<connector>/`. A refused plugin leaves nothing behind.
 * @throws TributaryError `invalid_config` (manifest), `incompatible_connector` (SDK or Node), `conflict` (name
 * taken), `upstream_error` (npm failed), or the plugin's own error when its module does not load
 */
export async function installPlugin(options: InstallOptions): Promise<Installed> {
  const origin = originOf(options.spec, options.cwd);
  const root = pluginsDir(options.dataDir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const staging = path.join(root, `.staging-${randomBytes(6).toString('hex')}`);
  mkdirSync(staging);
  try {
    await npmInstall(staging, origin.spec, options.env);
    const deps = (JSON.parse(readFileSync(path.join(staging, 'package.json'), 'utf8')) as { dependencies?: object })
      .dependencies;
    const packageName = Object.keys(deps ?? {})[0];
    if (!packageName) throw new TributaryError('upstream_error', `npm installed nothing for ${options.spec}.`);
    const pkgDir = packageDir(staging, packageName);
    const read = readPluginPackage(pkgDir);
    if ('refusal' in read)
      throw new TributaryError('invalid_config', `${packageName} is not a Tributary plugin: ${read.refusal.message}`);
    const { pkg } = read;
    const incompatible = compatibilityRefusal(pkg);
    if (incompatible) throw new TributaryError('incompatible_connector', incompatible.message);
    const name = pkg.tributary.connector;
    if (RESERVED_NAMES.has(name))
      throw new TributaryError(
        'conflict',
        `${pkg.name} declares connector "${name}", a word \`tributary connectors\` uses for a command (${[...RESERVED_NAMES].join(', ')}). A plugin needs another name.`,
      );
    if ([...options.builtinNames].includes(name))
      throw new TributaryError(
        'conflict',
        `${pkg.name} declares connector "${name}", the name of a built-in connector. A plugin needs a name of its own.`,
      );
    if (options.replace !== undefined && options.replace !== name)
      throw new TributaryError(
        'conflict',
        `${pkg.name}@${pkg.version} declares connector "${name}", not "${options.replace}": an upgrade keeps the connector's name (install it as a plugin of its own instead).`,
      );
    const target = pluginDir(options.dataDir, name);
    if (existsSync(target) && options.replace !== name) {
      const current = readDescriptor(target);
      throw new TributaryError(
        'conflict',
        `A connector "${name}" is already installed${current ? ` (${current.package}@${current.version})` : ''}. Use tributary connectors upgrade ${name}, or remove it first.`,
      );
    }
    linkHostSdk(staging);
    const connector = await describePlugin({
      label: `${pkg.name}@${pkg.version}`,
      entry: entryOf(pkgDir, pkg),
      cwd: pkgDir,
      connector: name,
      limits: sandboxLimitsFromEnv(options.env),
    });
    if (!isSdkCompatible(connector.manifest.sdk))
      throw new TributaryError(
        'incompatible_connector',
        `${pkg.name}@${pkg.version}'s connector declares sdk ${connector.manifest.sdk}, but this Tributary provides @tributary/sdk ${SDK_VERSION}.`,
      );
    const descriptor: PluginDescriptor = {
      v: 1,
      package: pkg.name,
      version: pkg.version,
      origin,
      installedAt: new Date().toISOString(),
      packageHash: packageHash(pkgDir),
      connector,
    };
    writeFileSync(path.join(staging, DESCRIPTOR_FILE), `${JSON.stringify(descriptor, null, 2)}\n`);
    let replaced: string | undefined;
    if (existsSync(target)) {
      const old = path.join(root, `.old-${randomBytes(6).toString('hex')}`);
      replaced = readDescriptor(target)?.version;
      renameSync(target, old);
      renameSync(staging, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(staging, target);
    return { name, dir: target, descriptor, ...(replaced ? { replaced } : {}) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Removes an installed plugin's folder. @throws TributaryError `not_found` */
export function removePlugin(dataDir: string, name: string): PluginDescriptor | null {
  const dir = pluginDir(dataDir, name);
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(dir))
    throw new TributaryError('not_found', `No plugin "${name}" is installed (tributary connectors list shows them).`);
  const descriptor = readDescriptor(dir);
  rmSync(dir, { recursive: true, force: true });
  return descriptor;
}

/**
 * The spec an upgrade installs from: a folder or .tgz again from the same path; an npm package at `@latest`
 * unless the user gives a spec.
 */
export function upgradeSpec(descriptor: PluginDescriptor, given?: string): string {
  if (given) return given;
  return descriptor.origin.kind === 'npm' ? `${descriptor.package}@latest` : descriptor.origin.spec;
}

/** Runs npm without a shell; the output is kept for the error message only. */
function npmInstall(prefix: string, spec: string, env: Record<string, string | undefined>): Promise<void> {
  const args = [
    'install',
    '--prefix',
    prefix,
    '--install-links',
    '--legacy-peer-deps',
    '--ignore-scripts',
    '--omit=dev',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    spec,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
      cwd: prefix,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    child.on('error', (err) =>
      reject(new TributaryError('upstream_error', `Could not run npm: ${err.message}`, { cause: err })),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new TributaryError(
              'upstream_error',
              `npm install ${spec} failed (exit ${code}): ${stderr.trim().split('\n').slice(-6).join(' ') || 'no output'}`,
            ),
          ),
    );
  });
}
