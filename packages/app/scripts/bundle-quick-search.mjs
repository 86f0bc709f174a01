// Bundles `tributary search`'s quick path (src/cli/quick-search.ts, built by tsc into dist/cli/quick-search.js) with
// every workspace module it imports into dist/cli/quick/: a search then loads a handful of files instead of some
// seventy ES modules, whose resolving and linking was a fifth of a CLI search's time (issue 13, docs/search.md).
//
// What stays outside: every npm package (better-sqlite3 and its native addon, the embedding libraries …), loaded
// from node_modules as usual. What is inside is one copy of the workspace modules for this process: the quick path
// loads no connector, plugin or other workspace module beside the bundle, so no class exists twice (`instanceof`
// holds). Modules imported dynamically (the embedder, Qdrant) become chunks of the same bundle (`splitting`).
//
// A module that finds a file beside itself through `import.meta.url` (the ranking extension, the vector worker) gets
// its own module's URL back: `import.meta.resolve('@tributary/engine/<path>')`, resolved where the bundle is
// installed, so the files are found in the repository and in an npm install alike.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = path.resolve(fileURLToPath(import.meta.url), '../..');
const packagesDir = path.dirname(app);
/** Workspace package folder → its npm name (their import specifiers). */
const WORKSPACE = {
  sdk: '@tributary/sdk',
  engine: '@tributary/engine',
  connectors: '@tributary/connectors',
  app: 'tributary',
};

/** The specifier of a workspace module built to `file`, e.g. `@tributary/engine/store/sqlite/native-ranking`. */
function specifierOf(file) {
  const rel = path.relative(packagesDir, file).split(path.sep);
  const name = WORKSPACE[rel[0]];
  if (!name || rel[1] !== 'dist') throw new Error(`bundle-quick-search: ${file} is not a built workspace module`);
  return `${name}/${rel.slice(2).join('/').replace(/\.js$/, '')}`;
}

const workspaceOnly = {
  name: 'workspace-only',
  setup(b) {
    // better-sqlite3 is CommonJS: imported as an ES module, Node first runs its export lexer (a WebAssembly module
    // compiled at first use: ~5 ms of a CLI search); required, it loads as CommonJS does. Every workspace module
    // imports only its default export.
    b.onResolve({ filter: /^better-sqlite3$/ }, (args) =>
      args.namespace === 'cjs-default' ? undefined : { path: args.path, namespace: 'cjs-default' },
    );
    b.onLoad({ filter: /.*/, namespace: 'cjs-default' }, (args) => ({
      // Required from the engine's store, the package that depends on it, wherever npm put the two.
      contents: `import { createRequire } from 'node:module';\nexport default createRequire(import.meta.resolve('@tributary/engine/store/sqlite/index'))(${JSON.stringify(args.path)});\n`,
      loader: 'js',
      resolveDir: app,
    }));
    // Bare specifiers other than the workspace's own packages stay imports of node_modules.
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || /^(@tributary\/|tributary\/)/.test(args.path)) return undefined;
      return { path: args.path, external: true };
    });
    b.onLoad({ filter: /\/packages\/[^/]+\/dist\/.*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'js' };
      const own = JSON.stringify(specifierOf(args.path));
      return { contents: source.replaceAll('import.meta.url', `import.meta.resolve(${own})`), loader: 'js' };
    });
  },
};

const outdir = path.join(app, 'dist/cli/quick');
// Chunk names carry a hash of their content: a rebuild would leave the old ones beside the new.
await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [path.join(app, 'dist/cli/quick-search.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The workspace's package.json "exports" carry a "source" condition (tests run the TypeScript); the bundle is
  // built from what tsc emitted.
  conditions: ['import', 'default'],
  plugins: [workspaceOnly],
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
const files = Object.entries(result.metafile.outputs);
const bytes = files.reduce((sum, [, o]) => sum + o.bytes, 0);
const modules = Object.keys(result.metafile.inputs).length;
process.stdout.write(
  `quick search bundle: ${modules} modules into ${files.length} files (${Math.round(bytes / 1024)} KB) in ${path.relative(process.cwd(), outdir)}\n`,
);
