// Compiles tribm25.c (FTS5 ranking with a bounded IDF count, see its header) into native/build/ as a SQLite loadable
// extension, against the SQLite headers better-sqlite3 ships (its amalgamation: the same FTS5 API it runs). Part of
// `npm run build`. Without a C compiler the build goes on and search ranks with SQLite's bm25(), exact and slower
// for common words (docs/search.md); the message says so.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, 'tribm25.c');
const suffix = process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so';
const output = path.join(here, 'build', `tribm25.${suffix}`);
const headers = path.join(
  path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'deps',
  'sqlite3',
);

const fresh = existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs;
if (!fresh) {
  mkdirSync(path.dirname(output), { recursive: true });
  const cc = process.env.CC || 'cc';
  const platform = process.platform === 'darwin' ? ['-dynamiclib'] : ['-shared', '-fPIC'];
  try {
    execFileSync(cc, ['-O2', ...platform, `-I${headers}`, source, '-o', output, '-lm'], { stdio: 'pipe' });
  } catch (err) {
    const detail = String(err.stderr || err.message)
      .trim()
      .split('\n')
      .slice(0, 5)
      .join('\n');
    console.warn(
      `tributary: could not compile the search ranking extension (${cc}): ${detail}\n` +
        'Search still works and ranks with SQLite bm25(), which is slower for common words. ' +
        'Install a C compiler (Debian: apt-get install build-essential) and run `npm run build` again.',
    );
  }
}
