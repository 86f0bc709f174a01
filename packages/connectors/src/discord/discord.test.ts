import { applyPages, collectPages, createTestContext, createInstantClock } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  discordSpecProblems,
  seedDiscord,
  startDiscordTwin,
  type DiscordSeed,
  type DiscordTwin,
  type DiscordTwinOptions,
} from '../../../../test/twins/discord/index.js';
import { discordConnector } from './index.js';
import { resolveMentions } from './map.js';

const credentials = { kind: 'token' as const, token: 'discord-bot-twin' };
let twin: DiscordTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

async function start(seed: DiscordSeed, options: DiscordTwinOptions = {}) {
  twin = await startDiscordTwin(seed.state, options);
  return twin;
}

async function read(
  t: DiscordTwin,
  seed: DiscordSeed,
  extra: Parameters<typeof createTestContext>[1] = {},
  config: Record<string, unknown> = {},
) {
  const ctx = createTestContext(discordConnector, {
    config: { guilds: [seed.guild.id], apiBaseUrl: `${t.url}/api`, ...config },
    credentials,
    ...extra,
  });
  const pages = await collectPages(discordConnector, ctx);
  return { ctx, pages, state: applyPages(new Map(), pages) };
}

type Stored = Map<
  string,
  { item: { content: string; title?: string; thread?: string; metadata?: Record<string, unknown> } }
>;

describe('discord connector against the twin (5 channels × 1,000 messages, 20 threads)', () => {
  it('reads exact counts, validates every answer, resolves mentions, and 100 changes cost a few calls', async () => {
    const seed = seedDiscord({ channels: 5, messages: 1000, threads: 20, threadMessages: 10, forumPosts: 0 });
    const t = await start(seed);
    const full = await read(t, seed);
    expect(full.state.size).toBe(5 * 1000 + 20 * 10);
    // The channel the bot may not read is skipped with a warning, not a failure.
    expect([...full.state.keys()].some((k) => k.includes(seed.hidden.id))).toBe(false);
    expect(full.ctx.logs.some((l) => l.level === 'warn' && /cannot read/.test(l.message))).toBe(true);
    expect(discordSpecProblems(t.exchanges)).toEqual([]);
    const state = full.state as Stored;
    const general = seed.channels[0]!;
    const mention = general.messages[9]!;
    const item = state.get(`${seed.guild.id}/${general.id}/${mention.id}`)!.item;
    // Raw: `… cc <@id> and <@&role> in <#channel>`; the user by display name, the role and channel by name.
    expect(mention.content).toMatch(/cc <@\d+> and <@&\d+> in <#\d+>$/);
    expect(item.content).toBe('general message 10 cc @Grace Hopper and @maintainers in #general');
    const withFile = state.get(`${seed.guild.id}/${general.id}/${general.messages[24]!.id}`)!.item;
    expect(withFile.content).toMatch(
      /Attachments:\n- \[report-24\.pdf\]\(https:\/\/cdn\.discordapp\.com\/attachments\//,
    );
    const withEmbed = state.get(`${seed.guild.id}/${general.id}/${general.messages[39]!.id}`)!.item;
    expect(withEmbed.content).toMatch(/> \*\*Build 39\*\*\n> All green\n> Duration: 4m/);
    const th = seed.threads[0]!;
    const inThread = state.get(`${seed.guild.id}/${th.id}/${th.messages[0]!.id}`)!.item;
    expect(inThread).toMatchObject({ title: 'thread-1 (#general)', thread: `${seed.guild.id}/${th.id}` });
    expect(state.get(`${seed.guild.id}/${general.id}/${general.messages[6]!.id}`)!.item.metadata).toMatchObject({
      replyTo: general.messages[5]!.id,
    });
    console.log(`discord full read: ${full.ctx.stats.apiCalls} calls for ${full.state.size} items`, t.counts());

    // 100 changes: 60 new messages, 30 edits and 10 deletions among the newest 100 of each channel.
    const s = seed.state;
    const expected: string[] = [];
    const deleted: string[] = [];
    const id = (c: { id: string }, m: string) => `${seed.guild.id}/${c.id}/${m}`;
    seed.channels.forEach((c, i) => {
      for (let k = 0; k < 12; k++) expected.push(id(c, s.post(c, `new ${i}-${k}`).id));
      for (let k = 0; k < 6; k++) expected.push(id(c, s.edit(c, c.messages[950 + k * 5]!.id, `edited ${i}-${k}`).id));
      for (let k = 0; k < 2; k++) {
        const gone = c.messages[981 + k * 5]!.id;
        s.remove(c, gone);
        deleted.push(id(c, gone));
      }
    });
    t.resetCounts();
    const inc = await read(t, seed, { checkpoint: full.pages.at(-1)!.checkpoint, state: full.ctx.state });
    expect(
      inc.pages
        .flatMap((p) => p.items ?? [])
        .map((i) => i.externalId)
        .sort(),
    ).toEqual(expected.sort());
    expect(inc.pages.flatMap((p) => p.deletes ?? []).sort()).toEqual(deleted.sort());
    const calls = inc.ctx.stats.apiCalls;
    console.log(
      `discord incremental after 100 changes: ${calls} calls (${(calls / 100).toFixed(2)} per change)`,
      t.counts(),
    );
    // guilds, channels, roles, active threads, 6 archived listings (the unreadable channel's answers 403); per channel
    // one `after` page and one window page; one window page per active thread (no new messages there: skipped by
    // last_message_id); the unreadable channel's one refused `after` call.
    const activeThreads = seed.threads.filter((x) => !x.archived).length;
    expect(t.counts()['channels.messages']).toBe(5 * 2 + activeThreads + 1);
    expect(calls).toBe(4 + 6 + 5 * 2 + activeThreads + 1);

    // Nothing new: no items, no deletes.
    const idle = await read(t, seed, { checkpoint: inc.pages.at(-1)!.checkpoint, state: inc.ctx.state });
    expect(idle.state.size).toBe(0);
  });

  it('respects rate-limit buckets without a 429, and waits Retry-After when one comes anyway', async () => {
    const seed = seedDiscord({ channels: 2, messages: 250, threads: 2, forumPosts: 0 });
    const calm = await read(await start(seed), seed);
    await twin!.close();
    // 3 requests per 150 ms per route and channel: the client must wait on X-RateLimit-Remaining: 0.
    const t = await start(seed, { buckets: { limit: 3, resetAfterMs: 150 } });
    const paced = await read(t, seed);
    expect(paced.state.size).toBe(calm.state.size);
    expect(t.rateLimited()).toBe(0);
    await t.close();
    // A 429 anyway (a shared or global limit): waited as Retry-After says, on the source's clock.
    const t2 = await start(seed);
    const clock = createInstantClock();
    const limited = t2.faults.inject({
      route: 'channels.messages',
      status: 429,
      headers: { 'retry-after': '2', 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
      body: { message: 'You are being rate limited.', retry_after: 1.5, global: true },
      every: 3,
      times: 2,
    });
    const waited = await read(t2, seed, { clock });
    expect(waited.state.size).toBe(calm.state.size);
    expect(limited.fired).toBe(2);
    expect(clock.slept.filter((ms) => ms === 2000)).toHaveLength(2);
  });

  it('chooses channels by name or id, skips excluded ones and threads when asked, and bounds a first read', async () => {
    const seed = seedDiscord({ channels: 3, messages: 20, threads: 3, threadMessages: 2, forumPosts: 2 });
    const t = await start(seed);
    const [general, dev1, dev2] = seed.channels;
    const only = await read(
      t,
      seed,
      {},
      { channels: ['#general', dev2!.id], excludeChannels: [dev2!.id], threads: false },
    );
    expect(only.state.size).toBe(20);
    expect([...only.state.keys()].every((k) => k.includes(`/${general!.id}/`))).toBe(true);
    // Forum posts are threads of the forum channel: read with threads on.
    const forum = await read(t, seed, {}, { channels: ['help'] });
    expect(forum.state.size).toBe(2 * 3);
    const discovered = await discordConnector.discover!(
      createTestContext(discordConnector, {
        config: { guilds: [seed.guild.id], apiBaseUrl: `${t.url}/api` },
        credentials,
      }),
    );
    expect(discovered.map((d) => d.name)).toEqual(
      ['general', 'dev-1', 'dev-2', 'mods-only'].map((n) => `Acme Community / #${n}`),
    );
    // maxAgeDays: messages at or after the bound only (the seed's clock moves a second per message).
    const bound = Date.parse(dev1!.messages[10]!.timestamp);
    const recent = await read(
      t,
      seed,
      { clock: { now: () => bound + 86_400_000, sleep: async () => undefined } },
      {
        channels: ['dev-1'],
        threads: false,
        maxAgeDays: 1,
      },
    );
    expect(recent.state.size).toBe(10);
  });

  it('keeps unknown mentions as written and fails a bad token with auth_invalid, never echoing it', async () => {
    const names = {
      guildId: '1',
      guildName: 'G',
      roles: new Map([['5', 'mods']]),
      channels: new Map([['7', 'general']]),
    };
    expect(
      resolveMentions(
        '<@2> <@!3> <@&5> <#7> <@&9>',
        { mentions: [{ id: '2', username: 'ada', global_name: 'Ada' }] },
        names,
      ),
    ).toBe('@Ada <@!3> @mods #general <@&9>');
    const seed = seedDiscord({ channels: 1, messages: 3, threads: 0, forumPosts: 0 });
    const t = await start(seed);
    const ctx = createTestContext(discordConnector, {
      config: { guilds: [seed.guild.id], apiBaseUrl: `${t.url}/api` },
      credentials: { kind: 'token', token: 'forged-token-123' },
    });
    const err = await collectPages(discordConnector, ctx).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err).toMatchObject({ code: 'auth_invalid' });
    expect(String(err?.message)).not.toContain('forged-token-123');
  });
});
