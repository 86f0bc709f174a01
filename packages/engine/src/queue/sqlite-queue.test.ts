import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { queueContract } from './queue.contract.js';
import { createSqliteQueue } from './sqlite-queue.js';
import type { JobQueue } from './types.js';

const VISIBILITY_MS = 30_000;

queueContract(
  'sqlite',
  async ({ clock, maxAttempts, backoff }) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tributary-queue-'));
    const file = path.join(dir, 'tributary.db');
    const opened: JobQueue[] = [];
    const open = (): JobQueue => {
      const q = createSqliteQueue({ path: file, clock, maxAttempts, backoff, visibilityTimeoutMs: VISIBILITY_MS });
      opened.push(q);
      return q;
    };
    return {
      queue: open(),
      reopen: async () => open(),
      elapseLeaseTime: async (ms) => clock.advance(ms),
      cleanup: async () => {
        for (const q of opened) await q.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  VISIBILITY_MS,
);
