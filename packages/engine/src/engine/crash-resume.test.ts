import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
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
): Promise<{ killed: boolean; pagesSeen: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(here, 'test-support/sync-child.ts'), dbPath, sourceId],
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
    // Every index row matches its chunk (no orphans, nothing missing).
    expect(() => db.prepare(`INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')`).run()).not.toThrow();
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
