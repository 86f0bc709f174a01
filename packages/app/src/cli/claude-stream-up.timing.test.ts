import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { claudeStreamConnector, CHANGE_STREAM_DDL } from '@tributary/connectors/sqlite/claude-stream';
import { harness } from './test-support/harness.js';
import { startUp, type UpProcess } from './test-support/up-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-claude-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POLL_MS = 5000; // the seed example's poll_interval_ms

it('claude-stream under `up`: a row appended to a live chats.db is searchable within 2 × poll_interval_ms', async () => {
  const dataDir = path.join(dir, 'home');
  const dbPath = path.join(dir, 'chats', 'chats.db');
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.exec(CHANGE_STREAM_DDL);
  const add = db.prepare(
    "INSERT INTO change_stream (chat_id, message_id, role, content, created_at, change_type) VALUES ('s1', ?, ?, ?, ?, 'insert')",
  );
  add.run('m0', 'user', 'the first question about aardvarks', new Date().toISOString());

  // The source as the seed's file declares it (snake_case keys), applied before `up` starts.
  const file = path.join(dir, 'tributary.json');
  writeFileSync(
    file,
    JSON.stringify({
      sources: [
        {
          id: 'claude-stream',
          type: 'claude-stream',
          name: 'Claude Code Sessions',
          config: { db_path: dbPath, auto_extract: true, poll_interval_ms: POLL_MS },
        },
      ],
    }),
  );
  const applied = await harness([claudeStreamConnector], dataDir, dir).run('apply', '-f', file);
  expect(applied.stderr).toBe('');
  expect(applied.code).toBe(0);

  let up: UpProcess | undefined;
  try {
    const { hits } = (up = await startUp(dataDir));
    // The watcher's first report syncs what was written before `up` started.
    await expect.poll(() => hits('aardvarks'), { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);

    const latencies: number[] = [];
    for (const [i, word] of ['zeppelin', 'quokka', 'marzipan'].entries()) {
      // Appended at different points of the poll cycle.
      await new Promise((r) => setTimeout(r, 1700 * i));
      const started = Date.now();
      add.run(`m${i + 1}`, 'assistant', `an answer about the ${word}`, new Date().toISOString());
      await expect.poll(() => hits(word), { timeout: 2 * POLL_MS + 5000, interval: 100 }).toBeGreaterThan(0);
      latencies.push(Date.now() - started);
    }
    console.log(`claude-stream realtime: searchable after ${latencies.join(', ')} ms (poll_interval_ms ${POLL_MS})`);
    for (const ms of latencies) expect(ms).toBeLessThan(2 * POLL_MS);
  } finally {
    db.close();
    await up?.stop();
  }
}, 120_000);
