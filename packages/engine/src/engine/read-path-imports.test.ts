import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * `tributary search` opens the SQLite store and the engine facade (the CLI's read engine). Loading the SDK's index
 * (zod, ~95 modules) costs ~150 ms of CPU at every start, so the modules those two load statically take errors from
 * `@tributary/sdk/errors`, types with `import type`, and the write side loads on first use (write-side.ts).
 * This walks their static relative imports from the sources and fails on any value import of the index or zod.
 */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOTS = ['engine/create-engine.ts', 'store/sqlite/index.ts'];
/** Files allowed to load the index (none left). */
const KNOWN = new Set<string>();

/** Static value imports (`import type` and `await import()` excluded) as [specifier]. */
function valueImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)) out.push(m[1]!);
  for (const m of source.matchAll(/^export\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)) out.push(m[1]!);
  return out;
}

function readPath(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [...ROOTS];
  while (queue.length) {
    const rel = queue.pop()!;
    if (seen.has(rel)) continue;
    const specs = valueImports(readFileSync(path.join(SRC, rel), 'utf8'));
    seen.set(rel, specs);
    for (const s of specs)
      if (s.startsWith('.'))
        queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), s)).replace(/\.js$/, '.ts'));
  }
  return seen;
}

describe('the read path (store + engine facade) at start-up', () => {
  it('loads neither the SDK index nor zod, and not the runner or the pipeline', () => {
    const files = readPath();
    expect(files.has('engine/create-engine.ts')).toBe(true);
    expect(files.has('store/sqlite/search.ts')).toBe(true);
    const heavy = [...files]
      .filter(([rel, specs]) => !KNOWN.has(rel) && specs.some((s) => s === '@tributary/sdk' || s === 'zod'))
      .map(([rel]) => rel);
    expect(heavy).toEqual([]);
    // sqlite-vec's ES module resolves its platform package with import.meta.resolve (~5 ms more than its CommonJS
    // entry, which vectors.ts requires when a store opens); worker_threads (~2.5 ms) loads when a graph worker starts.
    const eager = ['sqlite-vec', 'node:worker_threads'];
    expect([...files].filter(([, specs]) => specs.some((s) => eager.includes(s))).map(([rel]) => rel)).toEqual([]);
    for (const lazy of ['engine/runner.ts', 'pipeline/prepare.ts', 'engine/write-side.ts', 'scheduler/cron.ts'])
      expect(files.has(lazy)).toBe(false);
  });

  it('sees a value import of the index (the check itself works)', () => {
    expect(valueImports("import { TributaryError, type Item } from '@tributary/sdk';")).toEqual(['@tributary/sdk']);
    expect(valueImports("import type { Item } from '@tributary/sdk';")).toEqual([]);
  });
});
