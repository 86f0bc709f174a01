import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const ADAPTERS = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'ports')
  .map((d) => d.name);

it('an adapter never imports another adapter’s files (shared code lives beside the ports)', () => {
  expect(ADAPTERS).toEqual(expect.arrayContaining(['sqlite', 'postgres']));
  const offenders: string[] = [];
  for (const adapter of ADAPTERS) {
    for (const file of readdirSync(path.join(here, adapter), { recursive: true }) as string[]) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const text = readFileSync(path.join(here, adapter, file), 'utf8');
      for (const m of text.matchAll(/from '((?:\.\.\/)+)([\w-]+)\//g)) {
        const target = path.relative(here, path.resolve(path.dirname(path.join(here, adapter, file)), m[1]!, m[2]!));
        if (ADAPTERS.includes(target) && target !== adapter) offenders.push(`${adapter}/${file} → ${target}/`);
      }
    }
  }
  expect(offenders).toEqual([]);
});

it('the ports hold no adapter code', () => {
  for (const file of readdirSync(path.join(here, 'ports'))) {
    const text = readFileSync(path.join(here, 'ports', file), 'utf8');
    expect(text, file).not.toMatch(/from '\.\.\/(sqlite|postgres|qdrant)\//);
    expect(text, file).not.toMatch(/from '(better-sqlite3|pg|ioredis)'/);
  }
});
