import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { ConnectorNameSchema, SDK_VERSION, TributaryError } from '@tributary/sdk';
import { hostSdkDir } from '../layout.js';
import { clientJs, configJs, indexJs, mapJs, packageJson, readJs, type ScaffoldNames } from './templates-src.js';
import { connectorTestJs, gitignore, readmeMd, twinJs } from './templates-test.js';

/** What `connector new` wrote. */
export interface Scaffolded {
  dir: string;
  names: ScaffoldNames;
  files: string[];
}

/**
 * Writes a connector plugin package for `name` into `dir` (default `./tributary-connector-<name>`): manifest,
 * config schema, client over the SDK HTTP helper, pure map, `read()` with checkpoints, a local twin of its API, a
 * conformance-kit test and a README. Refuses a folder that exists and is not empty (nothing is overwritten).
 * @throws TributaryError `invalid_input` (name), `conflict` (folder not empty)
 */
export function scaffoldConnector(
  name: string,
  options: { cwd: string; dir?: string; sdkDevSpec?: string },
): Scaffolded {
  const parsed = ConnectorNameSchema.safeParse(name);
  if (!parsed.success)
    throw new TributaryError('invalid_input', `Connector name "${name}": ${parsed.error.issues[0]?.message}.`, {
      issues: [{ path: 'name', message: parsed.error.issues[0]?.message ?? 'invalid' }],
    });
  const names: ScaffoldNames = {
    name,
    packageName: `tributary-connector-${name}`,
    title: name
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' '),
    sdkRange: `^${semver.major(SDK_VERSION)}.${semver.minor(SDK_VERSION)}.0`,
    sdkDevSpec: options.sdkDevSpec ?? `file:${hostSdkDir()}`,
  };
  const dir = path.resolve(options.cwd, options.dir ?? names.packageName);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new TributaryError('conflict', `${dir} exists and is not empty; choose another --dir.`, {
      issues: [{ path: 'dir', message: 'not empty' }],
    });
  const files: Record<string, string> = {
    'package.json': packageJson(names),
    'README.md': readmeMd(names),
    '.gitignore': gitignore,
    'src/index.js': indexJs(names),
    'src/config.js': configJs(),
    'src/client.js': clientJs(),
    'src/map.js': mapJs(),
    'src/read.js': readJs(),
    'test/twin.js': twinJs(),
    'test/connector.test.js': connectorTestJs(names),
  };
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { dir, names, files: Object.keys(files) };
}
