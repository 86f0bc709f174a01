import { afterEach, describe, expect, it } from 'vitest';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { slackConnector } from '@tributary/connectors/slack/index';
import { createTestEngine } from './test-support/harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const t = await createTestEngine([synthetic as any, slackConnector as any]);
  cleanups.push(t.cleanup);
  return t.engine;
}

describe('source settings as users write them', () => {
  it('stores snake_case keys under the connector’s names and lifts sync.interval_minutes into the schedule', async () => {
    const engine = await setup();
    const s = await engine.sources.add({
      connector: 'slack',
      name: 'Work Slack',
      config: {
        channels: { mode: 'include', list: ['#engineering'] },
        sync: { interval_minutes: 60, backfill_days: 90 },
        filters: { min_message_length: 20, exclude_bot_messages: true },
      },
    });
    expect(s.config).toEqual({
      channels: { mode: 'include', list: ['#engineering'] },
      sync: { backfillDays: 90 },
      filters: { minMessageLength: 20, excludeBotMessages: true },
    });
    expect(s.schedule).toEqual({ intervalMinutes: 60 });
    const u = await engine.sources.update('Work Slack', { config: { sync: { interval_minutes: 15 } } });
    expect(u.schedule).toEqual({ intervalMinutes: 15 });
    expect(u.config).toEqual({});
  });

  it('refuses an unknown key with the key meant, a contradicting schedule, and changes nothing', async () => {
    const engine = await setup();
    await expect(
      engine.sources.add({ connector: 'synthetic', name: 's', config: { page_sise: 2 } }),
    ).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('Did you mean "pageSize"?') });
    await expect(
      engine.sources.add({
        connector: 'slack',
        name: 's',
        config: { sync: { interval_minutes: 5 } },
        schedule: { cron: '0 * * * *' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_config', issues: [{ path: 'config.sync.interval_minutes' }] });
    await expect(
      engine.sources.add({ connector: 'slack', name: 's', config: { sync: { interval_minutes: 0 } } }),
    ).rejects.toMatchObject({ code: 'invalid_config' });
    expect(await engine.sources.list()).toHaveLength(0);
  });
});
