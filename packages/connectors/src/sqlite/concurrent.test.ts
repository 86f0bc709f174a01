import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { SqliteCheckpoint } from './checkpoint.js';
import { sqliteConnector } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'tributary-sqlite-conc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A reader that keeps its checkpoint between reads, like the engine does, and records every row it got. */
function reader(config: Record<string, unknown>) {
  let checkpoint: SqliteCheckpoint | undefined;
  const bodies: string[] = [];
  return {
    bodies,
    async read(): Promise<void> {
      const ctx = createTestContext(sqliteConnector, { config, checkpoint });
      const pages = await collectPages(sqliteConnector, ctx);
      for (const p of pages) bodies.push(...(p.items ?? []).map((i) => i.content));
      checkpoint = pages.at(-1)!.checkpoint;
    },
  };
}

describe('sqlite: a table written concurrently by another process', () => {
  it('reads every committed row exactly once, by id cursor and by timestamp cursor', async () => {
    const db = path.join(dir, 'events.db');
    const total = 3000;
    const child = fork(path.join(here, 'test-support/writer.mjs'), [db, String(total)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let done = false;
    let written = 0;
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    let half = false;
    child.on('message', (m: { done?: boolean; total?: number; half?: boolean }) => {
      if (m.half) half = true;
      if (m.done) {
        done = true;
        written = m.total ?? 0;
      }
    });
    child.send('start');
    const columns = { content: 'body', occurredAt: 'ts' };
    const byId = reader({ dbPath: db, table: 'events', cursorColumn: 'id', columns, pageSize: 50 });
    const byTs = reader({
      dbPath: db,
      table: 'events',
      cursorColumn: 'ts',
      cursorType: 'timestamp',
      columns,
      pageSize: 50,
    });
    let reads = 0;
    let midway = -1;
    try {
      // the table may not exist for the first instant: the writer creates it
      while (!done) {
        await byId.read().catch((err: Error) => expect(err.message).toMatch(/no such table|does not exist/));
        await byTs.read().catch((err: Error) => expect(err.message).toMatch(/no such table|does not exist/));
        reads++;
        if (half) {
          // the writer is paused half-way: read while it is mid-stream, then let it finish
          await byId.read();
          await byTs.read();
          midway = byId.bodies.length;
          half = false;
          child.send('resume');
        }
        await new Promise((r) => setImmediate(r)); // let the writer's messages in
      }
    } finally {
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
    await byId.read();
    await byTs.read();
    const expected = Array.from({ length: total }, (_, n) => `event ${n}`).sort();
    expect(written).toBe(total);
    console.log(`[sqlite] ${reads} read rounds while the writer ran; ${midway} rows seen at the half-way pause`);
    expect(midway).toBeGreaterThanOrEqual(total / 2);
    expect(midway).toBeLessThan(total);
    for (const r of [byId, byTs]) {
      expect(r.bodies.length).toBe(total); // nothing read twice …
      expect([...r.bodies].sort()).toEqual(expected); // … nothing missed
    }
  });
});
