import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineConnector, z, type LogRecord } from '@tributary/sdk';
import { openRuntime } from './open-runtime.js';

/** A connector that needs two environment variables (one optional), as a seed `datasource.yaml` declares them. */
const needy = defineConnector({
  manifest: {
    name: 'needy',
    version: '2.1.0',
    sdk: '^1.0.0',
    title: 'Needy',
    description: 'Needs environment variables.',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({}),
    streams: ['x'],
    author: 'Tests',
    envVars: [
      { name: 'NEEDY_CLIENT_ID', description: 'OAuth client ID for the Needy API' },
      { name: 'NEEDY_REGION', description: 'Optional region', required: false },
    ],
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read() {
    yield { items: [], checkpoint: {} };
  },
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(env: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-registry-start-'));
  dirs.push(dir);
  const logs: LogRecord[] = [];
  const runtime = await openRuntime({
    dataDir: dir,
    env,
    connectors: [needy],
    log: (r) => logs.push(r),
    syncIn: 'inline',
    registerConnectors: true,
  });
  return { runtime, logs };
}

describe('start-up: the registry records the connectors and says which environment variables are missing', () => {
  it('lists the missing required variables with their description; the source does not run until they are set', async () => {
    const { runtime, logs } = await open({});
    try {
      const warning = logs.find((l) => l.message.includes('missing environment variables'));
      expect(warning?.level).toBe('warn');
      expect(warning?.message).toBe(
        'connector needy: missing environment variables NEEDY_CLIENT_ID (OAuth client ID for the Needy API); its sources will not run',
      );
      const entry = await runtime.store.connectorRegistry!.get('needy');
      expect(entry).toMatchObject({ version: '2.1.0', origin: 'builtin', enabled: true });
      const source = await runtime.engine.sources.add({ connector: 'needy', name: 'n' });
      await expect(runtime.engine.sync(source.id)).rejects.toMatchObject({
        code: 'connector_disabled',
        message: expect.stringContaining('NEEDY_CLIENT_ID'),
      });
    } finally {
      await runtime.close();
    }
  });

  it('says nothing when the required ones are set (the optional one may be missing) and the source runs', async () => {
    const { runtime, logs } = await open({ NEEDY_CLIENT_ID: 'abc' });
    try {
      expect(logs.filter((l) => l.message.includes('environment variables'))).toEqual([]);
      const source = await runtime.engine.sources.add({ connector: 'needy', name: 'n' });
      expect((await runtime.engine.sync(source.id)).status).toBe('succeeded');
    } finally {
      await runtime.close();
    }
  });
});
