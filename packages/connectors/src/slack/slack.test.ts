import {
  applyPages,
  collectPages,
  createConnectorContext,
  createTestContext,
  createInstantClock,
} from '@tributary/sdk/testing';
import { createManualClock } from '@tributary/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  seedSlackWorkspace,
  startSlackTwin,
  type SlackSeed,
  type SlackTwin,
} from '../../../../test/twins/slack/index.js';
import { slackConnector } from './index.js';

const credentials = { kind: 'token' as const, token: 'xoxb-twin-bot' };
let twin: SlackTwin | undefined;

afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

async function start(seed: SlackSeed): Promise<SlackTwin> {
  twin = await startSlackTwin(seed.state);
  return twin;
}

async function readAll(
  t: SlackTwin,
  config: Record<string, unknown> = {},
  extra: Parameters<typeof createTestContext>[1] = {},
) {
  const ctx = createTestContext(slackConnector, { config: { baseUrl: t.apiUrl, ...config }, credentials, ...extra });
  const pages = await collectPages(slackConnector, ctx);
  return { ctx, pages, state: applyPages(new Map(), pages) };
}

describe('slack connector against the twin (5 channels × 2,000 or 400 messages)', () => {
  it('yields exactly the messages the filters keep (5 channels × 2,000 messages)', async () => {
    const seed = seedSlackWorkspace({ channels: 5, messagesPerChannel: 2000, dms: 1 });
    const t = await start(seed);
    const defaults = await readAll(t);
    // Defaults: system notices out; bots, short messages, parents and replies in; DMs off.
    expect(defaults.state.size).toBe(seed.count(['normal', 'bot', 'short', 'parent', 'reply'], 'channel'));
    const strict = await readAll(t, {
      filters: { excludeBotMessages: true, minMessageLength: 3, includeThreads: false },
      dms: { enabled: true },
    });
    expect(strict.state.size).toBe(seed.count(['normal', 'parent']));
    // The threads feature off (connector-wide or per source) drops replies like the filter does.
    const noThreads = await readAll(t, {}, { features: { threads: false } });
    expect(noThreads.state.size).toBe(seed.count(['normal', 'bot', 'short', 'parent'], 'channel'));
    const only = await readAll(t, { channels: { mode: 'include', list: ['#channel-2', 'C00004'] } });
    expect(new Set([...only.state.values()].map((v) => v.item.container))).toEqual(
      new Set(['#channel-2', '#channel-4']),
    );

    const reply = [...defaults.state.values()].find((v) => v.item.content.startsWith('Reply 1 on'))!.item;
    expect(reply.thread).toMatch(/^C0000\d:\d+\.\d{6}$/);
    expect(defaults.state.get(reply.thread!)?.item.content).toMatch(/^Thread \d+: what about/);
    const normal = [...defaults.state.values()].find((v) => v.item.content.startsWith('Message 1 about'))!.item;
    // mrkdwn cleaned, the mention resolved to a name through users.info, the channel reference named.
    expect(normal.content).toBe('Message 1 about the deploy in #channel-1 with @user4');
    expect(normal.author).toBe('User Grace');
  });

  it('after edits, new messages and a late reply, an incremental read yields only those', async () => {
    const seed = seedSlackWorkspace({ channels: 5, messagesPerChannel: 400, dms: 0 });
    const t = await start(seed);
    // Edits are looked for in the last hour before the newest message (60 messages per channel here).
    const config = { sync: { recheckHours: 1 } };
    const full = await readAll(t, config);
    const s = seed.state;
    const last = full.pages.at(-1)!.checkpoint;
    const c1 = s.channel('C00001').messages;
    const edited = c1.filter((m) => !m.thread_ts && m.user && m.text.startsWith('Message')).slice(-3);
    for (const m of edited) s.edit('C00001', m.ts, `${m.text} (edited)`);
    const posted = s.post('C00003', { user: 'U002', text: 'Fresh news on the migration' });
    const parent = c1.filter((m) => m.thread_ts === m.ts).at(-1)!;
    const reply = s.reply('C00001', parent.ts, { user: 'U003', text: 'One more thing on this thread' });
    t.resetCounts();
    const inc = await readAll(t, config, { checkpoint: last, state: full.ctx.state });
    const ids = inc.pages
      .flatMap((p) => p.items ?? [])
      .map((i) => i.externalId)
      .sort();
    const changed = [...edited.map((m) => `C00001:${m.ts}`), `C00003:${posted.ts}`, `C00001:${reply.ts}`].sort();
    expect(ids).toEqual(changed);
    const calls = t.total();
    console.log(
      `slack incremental: ${calls} calls for ${changed.length} changed messages (${(calls / changed.length).toFixed(1)} per changed item; full read made ${full.ctx.stats.apiCalls})`,
    );
    // One history page per channel, one replies call for the thread, auth.test, conversations.list, and each
    // author looked up once (the users cache lives for one read).
    expect(t.counts()['conversations.history']).toBe(5);
    expect(t.counts()['conversations.replies']).toBe(1);
    expect(t.counts()['users.info'] ?? 0).toBeLessThanOrEqual(5);
    expect(calls).toBeLessThan(full.ctx.stats.apiCalls / 3);
  });

  it('keeps re-checking an active thread whose parent is older than the re-check window', async () => {
    const seed = seedSlackWorkspace({ channels: 1, messagesPerChannel: 400, dms: 0 });
    const t = await start(seed);
    const s = seed.state;
    const config = { sync: { recheckHours: 1 } };
    // Message 100 (a thread parent, ~5 h before the newest message) gets a reply just before the first sync.
    const parent = s.channel('C00001').messages.find((m) => m.text.startsWith('Thread 100:'))!;
    s.reply('C00001', parent.ts, { user: 'U002', text: 'Reviving this old thread' });
    const full = await readAll(t, config);
    // The thread is tracked in connector state; the checkpoint stays a flat version tag.
    expect(full.pages.at(-1)!.checkpoint).toEqual({ v: 2 });
    expect(await full.ctx.state.get(`t:C00001:${parent.ts}`)).toEqual(expect.any(String));
    const late = s.reply('C00001', parent.ts, { user: 'U003', text: 'And one more, days later' });
    t.resetCounts();
    const inc = await readAll(t, config, { checkpoint: full.pages.at(-1)!.checkpoint, state: full.ctx.state });
    expect(inc.pages.flatMap((p) => p.items ?? []).map((i) => i.externalId)).toEqual([`C00001:${late.ts}`]);
    expect(t.counts()['conversations.replies']).toBe(1);
  });

  it('completes a 429 storm (every third call) with the same result, waiting as told', async () => {
    const seed = seedSlackWorkspace({ channels: 5, messagesPerChannel: 400, dms: 0 });
    const t = await start(seed);
    const calm = await readAll(t);
    const storm = t.faults.inject({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
      every: 3,
    });
    const clock = createInstantClock();
    const stormy = await readAll(t, {}, { clock });
    expect(storm.fired).toBeGreaterThan(5);
    expect([...stormy.state.entries()].map(([k, v]) => [k, v.hash])).toEqual(
      [...calm.state.entries()].map(([k, v]) => [k, v.hash]),
    );
    expect(clock.slept).toEqual(Array(storm.fired).fill(1000));
    expect(stormy.ctx.stats.rateLimitWaitMs).toBe(storm.fired * 1000);
  });

  it('survives a 500, a truncated body, a reset connection and a request that never answers', async () => {
    const seed = seedSlackWorkspace({ channels: 2, messagesPerChannel: 50, dms: 0 });
    const t = await start(seed);
    const calm = await readAll(t);
    t.faults.inject({ route: 'conversations.history', status: 500, times: 1 });
    t.faults.inject({ route: 'conversations.list', kind: 'truncate', times: 1 });
    t.faults.inject({ route: 'users.info', kind: 'reset', times: 1 });
    t.faults.inject({ route: 'conversations.replies', kind: 'hang', times: 1 });
    const faulty = await readAll(t, { requestTimeoutMs: 2000 }, { clock: createInstantClock() });
    expect([...faulty.state.keys()]).toEqual([...calm.state.keys()]);
  });

  it('maps auth failures to codes that say what to fix', async () => {
    const seed = seedSlackWorkspace({ channels: 1, messagesPerChannel: 5, dms: 0 });
    seed.state.tokens.set('xoxb-expired', { kind: 'bot', scopes: [], state: 'expired' });
    seed.state.tokens.set('xoxb-noscope', { kind: 'bot', scopes: ['channels:read'], state: 'valid' });
    const t = await start(seed);
    const expired = createTestContext(slackConnector, {
      config: { baseUrl: t.apiUrl },
      credentials: { kind: 'token', token: 'xoxb-expired' },
    });
    await expect(collectPages(slackConnector, expired)).rejects.toMatchObject({ code: 'auth_expired' });
    const noScope = createTestContext(slackConnector, {
      config: { baseUrl: t.apiUrl },
      credentials: { kind: 'token', token: 'xoxb-noscope' },
    });
    await expect(collectPages(slackConnector, noScope)).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringMatching(/missing_scope/),
    });
    const check = await slackConnector.check(
      createConnectorContext(slackConnector, {
        config: { baseUrl: t.apiUrl },
        credentials: { kind: 'token', token: 'nope' },
      }),
    );
    expect(check).toMatchObject({ ok: false, message: expect.stringMatching(/invalid_auth/) });
  });

  it("bounds a first sync by sync.backfillDays (or the engine's since)", async () => {
    const t0 = Date.UTC(2025, 11, 1);
    const seed = seedSlackWorkspace({
      channels: 2,
      messagesPerChannel: 100,
      dms: 0,
      startMs: t0,
      spacingMs: 3_600_000,
    });
    const t = await start(seed);
    const now = t0 + 101.5 * 3_600_000;
    const bound = (now - 86_400_000) / 1000;
    const clock = createManualClock(now);
    const expected = [...seed.kinds]
      .filter(([key, kind]) => Number(key.split(':')[1]) > bound && kind !== 'system')
      .map(([key]) => key)
      .sort();
    const byDays = await readAll(t, { sync: { backfillDays: 1 } }, { clock });
    expect([...byDays.state.keys()].sort()).toEqual(expected);
    const bySince = await readAll(t, {}, { since: new Date(now - 86_400_000) });
    expect([...bySince.state.keys()].sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(20);
  });

  it('reads DMs with a user token kept beside the bot token (credential extra userToken)', async () => {
    const seed = seedSlackWorkspace({ channels: 1, messagesPerChannel: 10, dms: 1 });
    seed.state.channel('D00001').userOnly = true;
    const t = await start(seed);
    const config = { dms: { enabled: true } };
    const botOnly = await readAll(t, config);
    expect([...botOnly.state.values()].some((v) => v.item.container?.startsWith('@'))).toBe(false);
    const both = await readAll(t, config, { credentials: { ...credentials, extra: { userToken: 'xoxp-twin-user' } } });
    const dms = [...both.state.values()].filter((v) => v.item.externalId.startsWith('D00001:'));
    expect(dms.length).toBe(seed.count(['normal', 'bot', 'short', 'parent', 'reply'], 'im'));
    expect(dms[0]!.item.container).toBe('@user2');
    expect(both.state.size).toBe(botOnly.state.size + dms.length);
  });

  it('discovers channels and DMs for pickers', async () => {
    const seed = seedSlackWorkspace({ channels: 2, messagesPerChannel: 1, dms: 1 });
    const t = await start(seed);
    const found = await slackConnector.discover!(
      createConnectorContext(slackConnector, { config: { baseUrl: t.apiUrl }, credentials }),
    );
    expect(found.map((r) => [r.id, r.kind])).toEqual([
      ['C00001', 'channel'],
      ['C00002', 'channel'],
      ['D00001', 'im'],
    ]);
  });
});
