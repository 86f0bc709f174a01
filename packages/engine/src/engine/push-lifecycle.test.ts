import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, PUSH_RENEWAL_HINT, type AnyConnector, type Credential } from '@tributary/sdk';
import { gmailConnector } from '@tributary/connectors/gmail/index';
import { googleCalendarConnector } from '@tributary/connectors/google-calendar/index';
import { googleDriveConnector } from '@tributary/connectors/google-drive/index';
import {
  seedCalendars,
  seedDrive,
  seedGmail,
  startCalendarTwin,
  startDriveTwin,
  startGmailTwin,
} from '../../../../test/twins/google/index.js';
import type { EnqueueInput } from '../queue/types.js';
import { createScheduler, storeSourcePort } from '../scheduler/scheduler.js';
import { pushRenewalPort } from './push-lifecycle.js';
import { createTestEngine } from './test-support/harness.js';

/**
 * The push-channel lifecycle through the real engine, SQLite store and scheduler against the Google twins, on an
 * injected clock (the twins date their channels by it too): a source without a schedule gets a sync from the
 * scheduler `renewBeforeHours` before its channel expires, that sync opens a new channel and stops the old one, and
 * removing the source stops its channels (`channels.stop`). A channel Google no longer knows does not block removal.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TOKEN: Credential = { kind: 'oauth2', accessToken: 'ya29.twin-token' };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(connector: AnyConnector) {
  const clock = createManualClock(Date.now());
  const warnings: string[] = [];
  const t = await createTestEngine([connector], {
    clock,
    credentials: () => ({ get: async () => TOKEN, refresh: async () => TOKEN }),
    log: (r) => {
      if (r.level === 'warn') warnings.push(r.message);
    },
  });
  cleanups.push(t.cleanup);
  const jobs: EnqueueInput[] = [];
  const scheduler = createScheduler({
    sources: storeSourcePort(t.engine.store, { pushRenewalAt: pushRenewalPort(t.engine, { clock }) }),
    queue: { enqueue: async (job) => (jobs.push(job), { id: `j${jobs.length}`, deduplicated: false }) },
    clock,
  });
  return { ...t, clock, scheduler, jobs, warnings };
}

describe('push channels: renewed by the scheduler before expiry, stopped on removal', () => {
  it('Google Drive: changes.watch renewed 24 h before expiry without a schedule; channels.stop on removal', async () => {
    const seed = seedDrive({ folders: 2, files: 6 });
    let now = (): number => Date.now();
    const twin = await startDriveTwin(seed.state, { now: () => now() });
    cleanups.push(() => twin.close());
    const { engine, clock, scheduler, jobs, warnings } = await setup(googleDriveConnector);
    now = clock.now;
    const source = await engine.sources.add({
      connector: 'google-drive',
      name: 'drive',
      config: {
        rootUrl: twin.rootUrl,
        push: { address: 'https://tributary.example/api/v1/webhooks/google-drive', token: 'drive-push-token-0123' },
      },
    });
    // Before the first sync there is no channel: nothing to renew, and a manual source is not scheduled.
    expect((await scheduler.tick()).enqueued).toEqual([]);
    expect((await engine.sync(source.id)).status).toBe('succeeded');
    expect(twin.channels.size).toBe(1);
    const [firstId, first] = [...twin.channels][0]!;
    const renewAt = first.expiration - 24 * HOUR;
    expect((await scheduler.stateOf(source.id)).nextDueAt).toBe(new Date(renewAt).toISOString());

    clock.set(renewAt - 60_000);
    expect((await scheduler.tick()).enqueued).toEqual([]);
    clock.set(renewAt + 60_000);
    const due = await scheduler.tick();
    expect(due.enqueued.map((e) => [e.sourceId, e.trigger])).toEqual([[source.id, 'schedule']]);
    const job = jobs.at(-1)!;
    expect(job.payload).toMatchObject({ sourceId: source.id, options: { hints: { [PUSH_RENEWAL_HINT]: true } } });
    // Asked once: the next ticks wait for the sync (or pushRetryMs) instead of asking on every tick.
    expect((await scheduler.tick()).enqueued).toEqual([]);

    const hints = (job.payload as { options: { hints: Record<string, unknown> } }).options.hints;
    expect((await engine.sync(source.id, { hints })).status).toBe('succeeded');
    expect(twin.channels.has(firstId)).toBe(false); // the old channel was stopped
    expect(twin.channels.size).toBe(1);
    const [secondId, second] = [...twin.channels][0]!;
    expect(second.expiration).toBe(clock.now() + 7 * DAY);
    const cp = await engine.store.getCheckpoint(source.id);
    expect(cp).toMatchObject({ chId: secondId, chExp: second.expiration });
    // Renewed: the next renewal is due 24 h before the new expiry, not now.
    clock.advance(20 * 60_000);
    expect((await scheduler.tick()).enqueued).toEqual([]);
    expect((await scheduler.stateOf(source.id)).nextDueAt).toBe(new Date(second.expiration - 24 * HOUR).toISOString());

    await engine.sources.remove(source.id);
    expect(twin.channels.size).toBe(0); // channels.stop
    expect(await engine.sources.list()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('Google Calendar: every calendar channel renewed before the first expires; all stopped on removal', async () => {
    let now = (): number => Date.now();
    const twin = await startCalendarTwin(seedCalendars({ calendars: 2, events: 4 }).state, { now: () => now() });
    cleanups.push(() => twin.close());
    const { engine, clock, scheduler, jobs } = await setup(googleCalendarConnector);
    now = clock.now;
    const source = await engine.sources.add({
      connector: 'google-calendar',
      name: 'cal',
      schedule: { intervalMinutes: 7 * 24 * 60 },
      config: {
        rootUrl: twin.rootUrl,
        push: {
          address: 'https://tributary.example/api/v1/webhooks/google-calendar',
          token: 'calendar-push-token-0123',
          renewBeforeHours: 12,
        },
      },
    });
    expect((await engine.sync(source.id)).status).toBe('succeeded');
    const opened = [...twin.channels.values()];
    expect(opened).toHaveLength(2);
    const expiry = Math.min(...opened.map((c) => c.expiration));
    // The weekly schedule would come too late (after expiry): the renewal is what is due next.
    expect((await scheduler.stateOf(source.id)).nextDueAt).toBe(new Date(expiry - 12 * HOUR).toISOString());
    clock.set(expiry - 11 * HOUR);
    expect((await scheduler.tick()).enqueued).toHaveLength(1);
    expect(jobs.at(-1)!.payload).toMatchObject({ options: { hints: { [PUSH_RENEWAL_HINT]: true } } });
    expect((await engine.sync(source.id, { hints: { [PUSH_RENEWAL_HINT]: true } })).status).toBe('succeeded');
    const all = [...twin.channels.values()];
    expect(all).toHaveLength(4);
    expect(all.filter((c) => c.stopped)).toHaveLength(2); // the two old ones
    expect(all.filter((c) => !c.stopped).every((c) => c.expiration === clock.now() + 7 * DAY)).toBe(true);

    await engine.sources.remove(source.id);
    expect([...twin.channels.values()].every((c) => c.stopped)).toBe(true);
  });

  it('Gmail: users.watch renewed before its 7-day expiry (from watchExpires in the checkpoint)', async () => {
    const twin = await startGmailTwin(seedGmail(3).state);
    cleanups.push(() => twin.close());
    const { engine, clock, scheduler } = await setup(gmailConnector);
    const source = await engine.sources.add({
      connector: 'gmail',
      name: 'mail',
      config: {
        rootUrl: twin.rootUrl,
        push: { topicName: 'projects/p/topics/gmail', verificationToken: 'gmail-push-token-0123456' },
      },
    });
    expect((await engine.sync(source.id)).status).toBe('succeeded');
    expect(twin.watches).toHaveLength(1);
    const expires = twin.watches[0]!.expiration;
    expect(await engine.store.getCheckpoint(source.id)).toMatchObject({ watchExpires: expires });
    expect((await scheduler.stateOf(source.id)).nextDueAt).toBe(new Date(expires - 24 * HOUR).toISOString());
    clock.set(expires - 23 * HOUR);
    const due = await scheduler.tick();
    expect(due.enqueued).toHaveLength(1);
    expect((await engine.sync(source.id, { hints: { [PUSH_RENEWAL_HINT]: true } })).status).toBe('succeeded');
    expect(twin.watches).toHaveLength(2); // users.watch called again
  });

  it('a channel Google no longer knows (404 on channels.stop) is logged as a warning and the source is removed', async () => {
    const twin = await startDriveTwin(seedDrive({ folders: 1, files: 2 }).state);
    cleanups.push(() => twin.close());
    const { engine, warnings } = await setup(googleDriveConnector);
    const source = await engine.sources.add({
      connector: 'google-drive',
      name: 'drive',
      config: {
        rootUrl: twin.rootUrl,
        push: { address: 'https://tributary.example/api/v1/webhooks/google-drive', token: 'drive-push-token-0123' },
      },
    });
    expect((await engine.sync(source.id)).status).toBe('succeeded');
    twin.channels.clear();
    await engine.sources.remove(source.id);
    expect(await engine.sources.list()).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not release what it holds upstream; removing it anyway/);
  });
});
