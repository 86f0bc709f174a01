import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../store/sqlite/index.js';
import { checkFtsIndex } from '../store/sqlite/fts-check.js';
import { createTestEngine } from './test-support/harness.js';
import { synthetic } from '@tributary/connectors/synthetic/index';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const TOTAL = 200_000;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** Runs the child; kills it with SIGKILL after `killAfterPages` committed pages (or lets it finish). */
function runChild(
  dbPath: string,
  sourceId: string,
  killAfterPages: number | null,
  mergeChunks?: number,
): Promise<{ killed: boolean; pagesSeen: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        path.join(here, 'test-support/sync-child.ts'),
        dbPath,
        sourceId,
        ...(mergeChunks ? [String(mergeChunks)] : []),
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let pagesSeen = 0;
    let output = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      if (line.startsWith('page ')) {
        pagesSeen++;
        if (killAfterPages !== null && pagesSeen >= killAfterPages) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, pagesSeen, output });
      else if (code === 0) resolve({ killed: false, pagesSeen, output });
      else reject(new Error(`sync child exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

it('SIGKILL at random moments during a 200k-item sync: resume loses and duplicates nothing', async () => {
  const t = await createTestEngine([synthetic]);
  cleanups.push(t.cleanup);
  const source = await t.engine.sources.add({
    connector: 'synthetic',
    name: 'big',
    config: { count: TOTAL, pageSize: 1000 },
  });
  await t.engine.close();

  const kills: number[] = [];
  for (let i = 0; i < 6; i++) {
    // Random moment: after 1..12 committed pages of this child's run (the kill lands mid-page or mid-commit).
    const after = 1 + Math.floor(Math.random() * 12);
    const r = await runChild(t.dbPath, source.id, after);
    if (!r.killed) break;
    kills.push(after);
  }
  expect(kills.length).toBeGreaterThanOrEqual(5);
  const final = await runChild(t.dbPath, source.id, null);
  expect(final.killed).toBe(false);
  expect(final.output).toMatch(/done succeeded/);

  const db = new Database(t.dbPath);
  try {
    const live = db
      .prepare(
        `SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM memories WHERE source_id = ? AND deleted_at IS NULL`,
      )
      .get(source.id) as any;
    expect(live).toEqual({ n: TOTAL, d: TOTAL });
    expect((db.prepare(`SELECT count(*) AS n FROM memories WHERE source_id = ?`).get(source.id) as any).n).toBe(TOTAL);
    expect((db.prepare(`SELECT count(*) AS n FROM chunks`).get() as any).n).toBe(TOTAL);
    const cp = JSON.parse(
      (db.prepare(`SELECT checkpoint FROM checkpoints WHERE source_id = ?`).get(source.id) as any).checkpoint,
    );
    expect(cp.position).toBe(TOTAL);
    // Every index row matches its chunk, compared with the chunks table itself (no orphans, nothing missing).
    expect(() => checkFtsIndex(db)).not.toThrow();
    expect(db.prepare(`SELECT count(*) AS n FROM fts_backlog`).get()).toEqual({ n: 0 });
    const ids = db
      .prepare(
        `SELECT external_id FROM memories WHERE source_id = ? AND external_id IN ('msg-0', 'msg-199999', 'msg-100000')`,
      )
      .all(source.id);
    expect(ids).toHaveLength(3);
  } finally {
    db.close();
  }
  console.log(`killed after pages: ${kills.join(', ')}`);
}, 240_000);

it('SIGKILL in the middle of a deferred-index backfill (mid-page and mid-merge): search is exact after recovery', async () => {
  const total = 40_000;
  const merge = 5000; // a merge every 5 pages, so kills land between, during and right after merges
  const t = await createTestEngine([synthetic]);
  cleanups.push(t.cleanup);
  const source = await t.engine.sources.add({
    connector: 'synthetic',
    name: 'bulk',
    config: { count: total, pageSize: 1000 },
  });
  await t.engine.close();
  const integrity = (db: Database.Database): void => checkFtsIndex(db);

  const kills: number[] = [];
  for (let i = 0; i < 4; i++) {
    const after = 2 + Math.floor(Math.random() * 10);
    const r = await runChild(t.dbPath, source.id, after, merge);
    if (!r.killed) break;
    kills.push(after);
  }
  expect(kills.length).toBeGreaterThanOrEqual(3);

  // Recovery without any sync: opening the store catches up the abandoned backlog (a dead writer's), and search
  // then finds exactly what was committed — no chunk missing from the index, none indexed that is not stored.
  const committed = await (async () => {
    const db = new Database(t.dbPath);
    try {
      // Open (the usual case), or just closed by a merge that caught up with every chunk when the kill landed right
      // after it: both are valid states; the checks below hold either way.
      expect((db.prepare(`SELECT count(*) AS n FROM fts_backlog`).get() as { n: number }).n).toBeLessThanOrEqual(1);
      return (db.prepare(`SELECT count(*) AS n FROM memories`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  })();
  expect(committed).toBeGreaterThan(0);
  const recovered = createSqliteStore({ path: t.dbPath, ftsBacklog: { staleMs: 0 } });
  const last = committed - 1;
  expect((await recovered.search({ text: `item${last}` })).hits.map((h) => h.externalId)).toEqual([`msg-${last}`]);
  integrity(recovered.db);
  expect(recovered.db.prepare(`SELECT count(*) AS n FROM fts_backlog`).get()).toEqual({ n: 0 });
  await recovered.close();

  const final = await runChild(t.dbPath, source.id, null, merge);
  expect(final.output).toMatch(/done succeeded/);
  const db = new Database(t.dbPath);
  try {
    expect(db.prepare(`SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM memories`).get()).toEqual({
      n: total,
      d: total,
    });
    integrity(db);
    expect(db.prepare(`SELECT count(*) AS n FROM fts_backlog`).get()).toEqual({ n: 0 });
    // Every item's unique word matches exactly one chunk.
    const match = db.prepare(`SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?`);
    for (const i of [0, 4999, 5000, 30_001, total - 1]) expect(match.get(`item${i}`), `item${i}`).toEqual({ n: 1 });
  } finally {
    db.close();
  }
  console.log(`deferred-index backfill killed after pages: ${kills.join(', ')}`);
}, 180_000);
