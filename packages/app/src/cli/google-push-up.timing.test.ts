import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { googleCalendarConnector } from '@tributary/connectors/google-calendar/index';
import { googleDriveConnector } from '@tributary/connectors/google-drive/index';
import { seedCalendars, seedDrive, startCalendarTwin, startDriveTwin } from '../../../../test/twins/google/index.js';
import { harness } from './test-support/harness.js';
import { startUp, type UpProcess } from './test-support/up-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-google-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Drive and Calendar push end to end under `tributary up`: a change upstream (the twins), the channel notification
 * Google sends (`X-Goog-*` headers with the channel token) POSTed to `/api/v1/webhooks/<connector>`, an incremental
 * sync, and the change in search within 5 s. A notification with a wrong token is refused; the same message again
 * is a duplicate.
 */
it('Drive and Calendar channel notifications make changes searchable within 5 s under `up`', async () => {
  const drive = await startDriveTwin(seedDrive({ folders: 2, files: 10 }).state);
  const calendar = await startCalendarTwin(seedCalendars({ calendars: 1, events: 5 }).state);
  const dataDir = path.join(dir, 'home');
  const cli = harness([googleDriveConnector, googleCalendarConnector], dataDir, dir, { GTOKEN: 'ya29.twin-token' });
  const token = { drive: 'drive-push-token-5e1f0a2b', calendar: 'calendar-push-token-77aa01' };
  const sources = [
    [
      'google-drive',
      'drive',
      {
        rootUrl: drive.rootUrl,
        push: { address: 'https://tributary.example/api/v1/webhooks/google-drive', token: token.drive },
      },
    ],
    [
      'google-calendar',
      'cal',
      {
        rootUrl: calendar.rootUrl,
        push: { address: 'https://tributary.example/api/v1/webhooks/google-calendar', token: token.calendar },
      },
    ],
  ] as const;
  for (const [connector, name, config] of sources) {
    const added = await cli.run(
      'sources',
      'add',
      connector,
      '--name',
      name,
      '--config',
      JSON.stringify(config),
      '--credential-env',
      'GTOKEN',
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
  }
  let up: UpProcess | undefined;
  try {
    const { url, hits, sync } = (up = await startUp(dataDir));
    for (const name of ['drive', 'cal']) expect(await sync(name)).toBe(200);
    expect(drive.channels.size).toBe(1);
    expect(calendar.channels.size).toBe(1);
    const notify = (connector: string, headers: Record<string, string>) =>
      fetch(`${url}/api/v1/webhooks/${connector}`, { method: 'POST', headers, body: '' });

    // Drive: a new file; its channel's notification.
    drive.state.add({ name: 'kestrel-plan.md', mimeType: 'text/markdown', content: 'The kestrel migration plan' });
    const driveHeaders = drive.notification([...drive.channels.keys()][0]!);
    let started = Date.now();
    expect((await notify('google-drive', driveHeaders)).status).toBe(200);
    await expect.poll(() => hits('kestrel'), { timeout: 5_000, interval: 50 }).toBe(1);
    const driveMs = Date.now() - started;

    // Calendar: a new event; its channel's notification.
    const cal = calendar.state.calendars[0]!;
    const at = new Date(Date.now() + 3_600_000).toISOString();
    calendar.state.add(cal.id, { summary: 'Ocelot review', start: { dateTime: at }, end: { dateTime: at } });
    const calHeaders = calendar.notification([...calendar.channels.keys()][0]!);
    started = Date.now();
    expect((await notify('google-calendar', calHeaders)).status).toBe(200);
    await expect.poll(() => hits('ocelot'), { timeout: 5_000, interval: 50 }).toBe(1);
    const calMs = Date.now() - started;
    console.log(`google push: drive searchable after ${driveMs} ms, calendar after ${calMs} ms`);
    expect(driveMs).toBeLessThan(5_000);
    expect(calMs).toBeLessThan(5_000);

    expect(await (await notify('google-drive', driveHeaders)).json()).toEqual({ ok: true, duplicate: true });
    const forged = {
      ...calHeaders,
      'x-goog-channel-token': 'calendar-push-token-forged',
      'x-goog-message-number': '999',
    };
    expect((await notify('google-calendar', forged)).status).toBe(401);
  } finally {
    await up?.stop();
    await drive.close();
    await calendar.close();
  }
}, 120_000);
