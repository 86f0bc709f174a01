import { afterEach, describe, expect, it } from 'vitest';
import { discordSpecProblems, seedDiscord, startDiscordTwin, type DiscordTwin } from './index.js';

let twin: DiscordTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

const get = (t: DiscordTwin, path: string, token = 'discord-bot-twin') =>
  fetch(`${t.url}/api/v10${path}`, { headers: { authorization: `Bot ${token}` } });

describe('Discord twin', () => {
  it('pages messages by snowflake (after: the next ones, newest first), lists threads, and validates against the spec', async () => {
    const seed = seedDiscord({ channels: 1, messages: 130, threads: 3 });
    twin = await startDiscordTwin(seed.state);
    const ch = seed.channels[0]!;
    const first = (await (await get(twin, `/channels/${ch.id}/messages?after=0&limit=100`)).json()) as Array<{
      id: string;
    }>;
    expect(first.length).toBe(100);
    expect(BigInt(first[0]!.id) > BigInt(first[99]!.id)).toBe(true);
    expect(first[99]!.id).toBe(ch.messages[0]!.id);
    const rest = (await (
      await get(twin, `/channels/${ch.id}/messages?after=${first[0]!.id}&limit=100`)
    ).json()) as unknown[];
    expect(rest.length).toBe(30);
    const newest = (await (await get(twin, `/channels/${ch.id}/messages?limit=10`)).json()) as Array<{ id: string }>;
    expect(newest[0]!.id).toBe(ch.messages.at(-1)!.id);
    await get(twin, '/users/@me');
    await get(twin, '/users/@me/guilds');
    await get(twin, `/guilds/${seed.guild.id}/channels`);
    await get(twin, `/guilds/${seed.guild.id}/roles`);
    const active = (await (await get(twin, `/guilds/${seed.guild.id}/threads/active`)).json()) as {
      threads: unknown[];
    };
    const archived = (await (await get(twin, `/channels/${ch.id}/threads/archived/public`)).json()) as {
      threads: unknown[];
    };
    expect(active.threads.length + archived.threads.length).toBe(4);
    expect(discordSpecProblems(twin.exchanges)).toEqual([]);
    const bad = { ...twin.exchanges.find((x) => x.route === 'channels.messages')!, body: [{ id: 'x' }] };
    expect(discordSpecProblems([bad])).not.toEqual([]);
  });

  it('answers 401 to unknown tokens, 403 Missing Access to hidden channels, and 429 with retry_after over a bucket', async () => {
    const seed = seedDiscord({ channels: 1, messages: 5, threads: 0, forumPosts: 0 });
    twin = await startDiscordTwin(seed.state, { buckets: { limit: 2, resetAfterMs: 60_000 } });
    expect((await get(twin, '/users/@me', 'forged')).status).toBe(401);
    const hidden = await get(twin, `/channels/${seed.hidden.id}/messages`);
    expect(hidden.status).toBe(403);
    expect(await hidden.json()).toMatchObject({ code: 50001 });
    const ch = seed.channels[0]!;
    const a = await get(twin, `/channels/${ch.id}/messages`);
    expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(a.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{16}$/);
    await get(twin, `/channels/${ch.id}/messages`);
    const over = await get(twin, `/channels/${ch.id}/messages`);
    expect(over.status).toBe(429);
    expect(((await over.json()) as { retry_after: number }).retry_after).toBeGreaterThan(0);
    expect(twin.rateLimited()).toBe(1);
  });
});
