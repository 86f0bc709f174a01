import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '@tributary/engine';
import { chat, filler, newSource, prepared } from '@tributary/engine/store/contract-support';
import { capturingIo, harness } from './test-support/harness.js';
import { repoRoot } from './test-support/spawn-cli.js';
import { parseSearchArgv, quickSearch } from './quick-search.js';

let dir: string;
let home: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-quick-search-'));
  home = path.join(dir, 'home');
  const store = createSqliteStore({ path: path.join(home, 'tributary.db') });
  await store.migrate();
  const s = await newSource(store, 'notes');
  const items = [
    ...Array.from({ length: 14 }, (_, i) =>
      chat(`n${i}`, `ibis sighting ${i} by the heron pond`, { author: `a${i % 3}` }),
    ),
    chat('long', `ibis ${filler('w', 900)} ibis again`), // several chunks, one memory
    chat('other', 'a kestrel only'),
  ];
  await store.commitPage({ sourceId: s.id, runId: null, checkpoint: undefined, items: prepared(items), deletes: [] });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The quick path with the harness's environment and captured output. */
async function quick(argv: string[], env: Record<string, string> = {}) {
  const captured = capturingIo(home, dir, env);
  const code = await quickSearch(argv, captured.io);
  return { code, stdout: captured.stdout, stderr: captured.stderr };
}

describe('tributary search without the program (quick-search.ts)', () => {
  it('prints what the program prints, with its exit code, for every option and the usual mistakes', async () => {
    const { run } = harness([], home, dir);
    const cursor = JSON.parse((await run('search', 'ibis', '--limit', '3', '--json')).stdout).nextCursor as string;
    expect(cursor).toBeTruthy();
    const cases = [
      ['search', 'ibis'],
      ['search', 'ibis', '--json'],
      ['search', 'ibis', 'heron', '--limit', '3'],
      ['search', '--limit', '2', 'ibis'],
      ['search', 'ibis', '--limit=4', '--json'],
      ['search', 'ibis', '--cursor', cursor, '--limit', '3', '--json'],
      ['search', 'ibis', '--author', 'a1', '--author', 'a2', '--json'],
      ['search', 'ibis', '--source', 'notes', '--connector', 'memo', '--since', '2000-01-01', '--until', '7d'],
      ['search', 'ibis', '--min-importance', '0', '--domain', 'work', '--mode', 'keyword'],
      ['search', 'ib*', '--fts', '--json'],
      ['search', 'nothing-matches-this'],
      ['--data-dir', home, 'search', 'kestrel'],
      ['search', 'kestrel', '--data-dir', home, '--json'],
    ];
    const mistakes = [
      ['search', '--', '-ibis'], // a word after `--` is a word: "-ibis" alone excludes everything
      ['search', 'ibis', '--limit', '0'],
      ['search', 'ibis', '--limit', 'ten', '--json'],
      ['search', 'ibis', '--mode', 'psychic'],
      ['search', 'ibis', '--min-importance', '2'],
      ['search', 'ibis', '--since', 'last tuesday'],
      ['search', 'ibis', '--source', 'no-such-source'],
      ['search', 'ibis', '--source', 'no-such-source', '--json'],
      ['search', 'ibis', '--cursor', 'garbage'],
      ['search', '"unterminated', '--fts'],
    ];
    for (const argv of [...cases, ...mistakes]) {
      const viaProgram = await run(...argv);
      const viaQuick = await quick(argv);
      expect({ argv, ...viaQuick }).toEqual({ argv, ...viaProgram, json: undefined, code: viaProgram.code });
    }
    // The answers answer; each mistake fails with a message (on stderr, or as JSON on stdout), nothing searched.
    for (const argv of cases) expect((await quick(argv)).code, argv.join(' ')).toBe(0);
    for (const argv of mistakes) {
      const r = await quick(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(argv.includes('--json') ? JSON.parse(r.stdout).error.message : r.stderr).toMatch(/\w/);
    }
  }, 60_000);

  it('leaves to the program what it does not parse exactly: help, unknown options, no query, the distributed mode', async () => {
    for (const argv of [
      ['search', 'ibis', '--help'],
      ['search', '-h', 'ibis'],
      ['search', 'ibis', '--no-such-flag'],
      ['search', 'ibis', '--limit'],
      ['search', 'ibis', '--json=yes'],
      ['search'],
      ['--data-dir', home, 'search'],
      ['--data-dir=' + home, 'search', 'ibis'],
      ['--data-dir', '-x', 'search', 'ibis'],
      ['-V', 'search', 'ibis'],
      ['status', 'search'],
      ['sources', 'list'],
    ])
      expect(parseSearchArgv(argv), argv.join(' ')).toBeUndefined();
    expect(await quick(['search', 'ibis'], { TRIBUTARY_DATABASE_URL: 'postgres://127.0.0.1:1/none' })).toEqual({
      code: undefined,
      stdout: '',
      stderr: '',
    });
    expect(parseSearchArgv(['search', 'ibis', '--limit', '3'])).toEqual({
      words: ['ibis'],
      dataDir: undefined,
      flags: { source: [], connector: [], author: [], domain: [], limit: '3' },
    });
  });

  it('the built bundle answers as the sources do, in one module graph with the ranking extension found', async () => {
    const app = path.join(repoRoot, 'packages/app');
    const bundle = path.join(app, 'dist/cli/quick/quick-search.js');
    const main = path.join(app, 'dist/cli/main.js');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first.`);
    const run = promisify(execFile);
    const env = { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', NODE_DEBUG: 'esm' };
    // Names every SQLite extension the process loads (the bundle imports the same better-sqlite3 module).
    const probe = [
      `import { createRequire } from 'node:module';`,
      `const Database = createRequire(${JSON.stringify(main)})('better-sqlite3');`,
      `const load = Database.prototype.loadExtension;`,
      `Database.prototype.loadExtension = function (file, ...rest) {`,
      `  const r = load.call(this, file, ...rest); process.stderr.write('extension loaded: ' + file + '\\n'); return r;`,
      `};`,
    ].join('\n');
    const args = ['--data-dir', home, 'search', 'ibis', '--limit', '4', '--json'];
    const built = await run(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, main, ...args],
      {
        env,
        cwd: dir,
      },
    );
    const { stdout: expected } = await quick(args);
    expect(JSON.parse(built.stdout)).toEqual(JSON.parse(expected));
    const extension = path.join(repoRoot, 'packages/engine/native/build/tribm25.so');
    expect(existsSync(extension)).toBe(true);
    expect(built.stderr).toContain(`extension loaded: ${extension}`);
    // No workspace module was loaded beside the bundle (one copy of every class), and no commander.
    const loaded = [...built.stderr.matchAll(/Storing file:\/\/(\S+)/g)].map((m) => m[1]!);
    expect(loaded).toContain(bundle);
    const outside = loaded.filter((f) => !f.startsWith(path.dirname(bundle)) && !f.includes('/node_modules/'));
    expect(outside).toEqual([main, path.join(app, 'dist/cli/version.js')]);
    expect(loaded.filter((f) => f.includes('/commander/'))).toEqual([]);
    // Files found beside a module (the ranking extension, the vector worker) resolve from the module's own package.
    const code = readdirSync(path.dirname(bundle))
      .map((f) => readFileSync(path.join(path.dirname(bundle), f), 'utf8'))
      .join('\n');
    expect(code).not.toContain('import.meta.url');
    expect(code).toContain('import.meta.resolve("@tributary/engine/store/sqlite/native-ranking")');
  }, 60_000);
});
