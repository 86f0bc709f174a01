import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { obsidianConnector } from '@tributary/connectors/obsidian/index';
import { createSqliteStore } from '../store/sqlite/index.js';
import { createTestEngine } from './test-support/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const NOTES = 1000;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** Runs an obsidian sync in a child; SIGKILLs it after `killAfterPages` committed pages (or lets it finish). */
function runChild(dbPath: string, sourceId: string, killAfterPages: number | null): Promise<{ killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(here, 'test-support/state-sync-child.ts'), dbPath, sourceId],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pages = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('page ') && killAfterPages !== null && ++pages >= killAfterPages) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true });
      else if (code === 0) resolve({ killed: false });
      else reject(new Error(`sync child exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

it('SIGKILL during syncs of a vault: connector state commits with its pages, nothing lost or re-read', async () => {
  const t = await createTestEngine([obsidianConnector as never]);
  cleanups.push(t.cleanup);
  const vault = path.join(t.dir, 'vault');
  mkdirSync(path.join(vault, '.obsidian'), { recursive: true });
  const note = (i: number): string => path.join(vault, `n${String(i).padStart(4, '0')}.md`);
  for (let i = 0; i < NOTES; i++) writeFileSync(note(i), `# Note ${i}\n\nword${i} body\n`);
  const source = await t.engine.sources.add({
    connector: 'obsidian',
    name: 'vault',
    config: { vaultPath: vault, pageSize: 50 },
  });
  await t.engine.close();

  const killLoop = async (): Promise<number> => {
    let kills = 0;
    for (let i = 0; i < 3; i++) {
      const r = await runChild(t.dbPath, source.id, 1 + Math.floor(Math.random() * 8));
      if (!r.killed) return kills;
      kills++;
    }
    await runChild(t.dbPath, source.id, null);
    return kills;
  };
  expect(await killLoop()).toBeGreaterThanOrEqual(1);

  const store = createSqliteStore({ path: t.dbPath });
  cleanups.push(() => store.close());
  const check = async (live: number): Promise<void> => {
    expect(await store.countMemories({ sourceId: source.id })).toBe(live);
    // One record per note on disk, and the flat checkpoint of a completed scan.
    expect((await store.listConnectorState(source.id, { limit: 10_000 })).length).toBe(live);
    expect(await store.getCheckpoint(source.id)).toEqual({ v: 2, complete: true });
  };
  await check(NOTES);
  // Every memory is version 1: a note re-read after a kill was recognised, never duplicated or re-versioned.
  const versions = (): number =>
    (store.db.prepare('SELECT count(*) AS n FROM memories WHERE version > 1').get() as { n: number }).n;
  expect(versions()).toBe(0);

  // After the kills, edits and deletions are found via the committed state: only they change.
  for (let i = 0; i < NOTES; i += 100) appendFileSync(note(i), 'edited\n');
  for (let i = 50; i < NOTES; i += 100) unlinkSync(note(i));
  await runChild(t.dbPath, source.id, null);
  await check(NOTES - NOTES / 100);
  expect((await store.getMemoryByExternalId(source.id, 'n0100.md'))?.version).toBe(2);
  expect(versions()).toBe(NOTES / 100);
  expect((await store.getMemoryByExternalId(source.id, 'n0150.md'))?.deletedAt).not.toBeNull();
  rmSync(vault, { recursive: true, force: true });
}, 240_000);
