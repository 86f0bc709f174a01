import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * SQLite (3.53, as better-sqlite3 ships it) reads a bare bound parameter in LIMIT or OFFSET while planning
 * (`sqlite3ExprIsInteger`) and marks the statement to be planned again whenever that parameter is bound — every
 * run, as better-sqlite3 binds every run. A prepared statement is then parsed and planned on each call: 5 µs for a
 * small one, 75 µs for the direct search page (a third of a rare word's search at 1M items). `CAST(? AS INTEGER)`
 * is not read while planning, so the statement stays prepared. PostgreSQL has no such cost.
 */
const packages = path.resolve(fileURLToPath(import.meta.url), '../../../../..');
const BARE_LIMIT = /\b(LIMIT|OFFSET)\s+[?@:$]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'postgres' || e.name === 'node_modules' ? [] : sources(file);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [file] : [];
  });
}

describe('SQLite statements', () => {
  it('bind LIMIT and OFFSET through CAST, never as a bare parameter (which re-plans the statement on every run)', () => {
    const files = ['engine', 'connectors', 'app', 'sdk'].flatMap((p) => sources(path.join(packages, p, 'src')));
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.endsWith(path.join('sqlite', 'search-direct.ts')))).toBe(true);
    const bare = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          BARE_LIMIT.test(line) ? [`${path.relative(packages, f)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(bare).toEqual([]);
  });
});
