import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { onedriveConnector } from '@tributary/connectors/onedrive/index';
import { seedGraphDrive, startGraphTwin } from '../../../../test/twins/msgraph/index.js';
import { harness } from './test-support/harness.js';
import { startUp, type UpProcess } from './test-support/up-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-onedrive-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * OneDrive change notifications end to end under `tributary up`: the first sync creates a Graph subscription (the
 * twin's validation handshake goes to `/api/v1/webhooks/onedrive` and must come back as the token in text/plain),
 * a change upstream, the notification Graph sends (with the subscription's clientState), a debounced delta sync, and
 * the change in search within 5 s. A deletion leaves search the same way; a notification with a forged clientState
 * is refused.
 */
it('a Graph notification makes a OneDrive change searchable within 5 s under `up`; a forged one is refused', async () => {
  const seed = seedGraphDrive({ folders: 2, files: 10 });
  let upUrl = '';
  const twin = await startGraphTwin(seed.state, { resolveUrl: (u) => `${upUrl}${new URL(u).pathname}` });
  const dataDir = path.join(dir, 'home');
  const cli = harness([onedriveConnector], dataDir, dir, { MSTOKEN: 'eyJ0eXAi.twin-token' });
  const clientState = 'onedrive-client-state-3b9e7d';
  const added = await cli.run(
    'sources',
    'add',
    'onedrive',
    '--name',
    'od',
    '--config',
    JSON.stringify({
      baseUrl: twin.baseUrl,
      push: { address: 'https://tributary.example/api/v1/webhooks/onedrive', clientState },
    }),
    '--credential-env',
    'MSTOKEN',
  );
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
  let up: UpProcess | undefined;
  try {
    up = await startUp(dataDir);
    upUrl = up.url;
    const { hits, sync } = up;
    expect(await sync('od')).toBe(200);
    // The handshake went through the real route and came back as plain text: the subscription exists.
    expect(twin.handshakes.map((h) => [h.ok, h.status])).toEqual([[true, 200]]);
    expect(seed.state.subscriptions.size).toBe(1);
    const subId = [...seed.state.subscriptions.keys()][0]!;

    // A new file; Graph's notification for the drive root.
    const file = seed.state.addFile('kestrel-plan.md', 'The kestrel migration plan', { mimeType: 'text/markdown' });
    let started = Date.now();
    expect((await twin.notify(subId)).status).toBe(202);
    await expect.poll(() => hits('kestrel'), { timeout: 5_000, interval: 50 }).toBe(1);
    const addMs = Date.now() - started;

    // Deleted upstream: the next notification's sync tombstones it.
    seed.state.remove(file.id);
    started = Date.now();
    expect((await twin.notify(subId)).status).toBe(202);
    await expect.poll(() => hits('kestrel'), { timeout: 5_000, interval: 50 }).toBe(0);
    const deleteMs = Date.now() - started;
    console.log(
      `onedrive notifications: new file searchable after ${addMs} ms, deleted file gone after ${deleteMs} ms`,
    );
    expect(addMs).toBeLessThan(5_000);
    expect(deleteMs).toBeLessThan(5_000);

    // A forged clientState: refused, nothing synced.
    seed.state.addFile('ocelot.txt', 'ocelot sighting', { mimeType: 'text/plain' });
    expect((await twin.notify(subId, { clientState: 'onedrive-client-state-forged' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await hits('ocelot')).toBe(0);
  } finally {
    await up?.stop();
    await twin.close();
  }
}, 120_000);
