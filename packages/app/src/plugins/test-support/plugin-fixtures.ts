import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes a tiny plugin package folder (ESM JavaScript, as an author would publish it). */
export function writePlugin(
  root: string,
  options: {
    connector: string;
    version?: string;
    sdk?: string;
    dependencies?: Record<string, string>;
    engines?: Record<string, string>;
    /** The body of `read(ctx)` (an async generator body); default: one page of `count` notes. */
    read?: string;
    /** Code before the connector (imports, module-level statements). */
    prelude?: string;
  },
): string {
  const dir = path.join(root, `plugin-${options.connector}-${options.version ?? '1.0.0'}`);
  mkdirSync(dir, { recursive: true });
  const pkg = {
    name: `tributary-connector-${options.connector}`,
    version: options.version ?? '1.0.0',
    type: 'module',
    main: 'index.js',
    ...(options.engines ? { engines: options.engines } : {}),
    peerDependencies: { '@tributary/sdk': '^1.0.0' },
    ...(options.dependencies ? { dependencies: options.dependencies } : {}),
    tributary: { connector: options.connector, sdk: options.sdk ?? '^1.0.0' },
  };
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const read =
    options.read ??
    `const n = ctx.config.count;
    const items = [];
    for (let i = 0; i < n; i++) items.push({ externalId: 'n' + i, stream: 'notes', content: 'note ' + i });
    yield { items, checkpoint: { done: n } };`;
  writeFileSync(
    path.join(dir, 'index.js'),
    `import { defineConnector, z } from '@tributary/sdk';
${options.prelude ?? ''}
export default defineConnector({
  manifest: {
    name: '${options.connector}', version: '${options.version ?? '1.0.0'}', sdk: '^1.0.0',
    title: 'Test ${options.connector}', description: 'A test plugin.', auth: { type: 'none' },
    config: z.object({ count: z.number().int().min(0).default(3), pageSize: z.number().int().min(1).default(100) }).strict(),
    checkpoint: z.object({ done: z.number().int() }).strict(),
    streams: ['notes'],
  },
  async check() { return { ok: true, message: 'ok' }; },
  async *read(ctx) {
    ${read}
  },
});
`,
  );
  return dir;
}

/** A fake library `fake-lib` at `version`, whose `describe()` names its major (two majors side by side). */
export function writeFakeLib(root: string, version: string): string {
  const dir = path.join(root, `fake-lib-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'fake-lib', version, type: 'module', main: 'index.js' }),
  );
  writeFileSync(
    path.join(dir, 'index.js'),
    `export const version = '${version}';\nexport function describe() { return 'fake-lib major ${version.split('.')[0]}'; }\n`,
  );
  return dir;
}
