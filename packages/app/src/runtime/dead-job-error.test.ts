import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createLogger, defineConnector, TributaryError, z } from '@tributary/sdk';
import { openRuntime, type Runtime } from './open-runtime.js';
import { startWorker } from './processes.js';

// A job the worker dead-letters (a non-retryable error) leaves its error on the source, naming the job to retry.
const revoked = defineConnector({
  manifest: {
    name: 'revoked',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Revoked',
    description: 'Always fails with auth_invalid (test connector).',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({}),
    streams: ['notes'],
    kind: 'local',
  },
  async check() {
    return { ok: true, message: 'ok' };
  },
  async *read() {
    throw new TributaryError('auth_invalid', 'The token was revoked.');
  },
});

let dir: string | undefined;
let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a dead-lettered job shows on its source: the error, the job id and how to retry it', async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-deadjob-'));
  runtime = await openRuntime({ dataDir: dir, env: {}, connectors: [revoked], syncIn: 'inline' });
  const source = await runtime.engine.sources.add({ connector: 'revoked', name: 'r', config: {} });
  const { id } = await runtime.scheduler.triggerManual(source.id);
  const worker = startWorker(runtime, { concurrency: 1, logger: createLogger(() => undefined) });
  try {
    const deadline = Date.now() + 20_000;
    while ((await runtime.queue.stats()).deadLetters === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect((await runtime.queue.listDeadLetters()).map((d) => d.job.id)).toEqual([id]);
    let error: string | null = null;
    while (!error?.startsWith('dead job') && Date.now() < deadline) {
      error = (await runtime.engine.sources.get(source.id)).errorMessage;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(error).toBe(
      `dead job ${id} after 1 attempt(s): auth_invalid: The token was revoked. (tributary jobs retry ${id})`,
    );
  } finally {
    await worker.stop();
  }
});
