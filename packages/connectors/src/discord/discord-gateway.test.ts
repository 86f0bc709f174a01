import { applyPages, collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { afterEach, expect, it } from 'vitest';
import {
  seedDiscord,
  startDiscordGateway,
  startDiscordTwin,
  type DiscordGateway,
  type DiscordTwin,
} from '../../../../test/twins/discord/index.js';
import { INTENTS } from './gateway.js';
import { discordConnector } from './index.js';

let twin: DiscordTwin | undefined;
let gateway: DiscordGateway | undefined;
afterEach(async () => {
  await twin?.close();
  await gateway?.close();
  twin = gateway = undefined;
});

it('watch() listens to the Gateway: message events become narrowed syncs, a delete carries its id', async () => {
  const seed = seedDiscord({ channels: 2, messages: 10, threads: 1, forumPosts: 0 });
  gateway = await startDiscordGateway(seed.state);
  twin = await startDiscordTwin(seed.state, { gatewayUrl: gateway.url });
  const config = { guilds: [seed.guild.id], apiBaseUrl: `${twin.url}/api` };
  const credentials = { kind: 'token' as const, token: 'discord-bot-twin' };
  const controller = new AbortController();
  const ctx = createConnectorContext(discordConnector, { config, credentials, signal: controller.signal });
  const changes: Array<Record<string, unknown> | undefined> = [];
  const watching = discordConnector.watch!(ctx, (h) => changes.push(h));
  await gateway.ready();
  expect(gateway.sessions()).toEqual([{ intents: INTENTS }]);

  const [general, dev] = seed.channels;
  const gone = general!.messages[3]!;
  seed.state.remove(general!, gone.id);
  gateway.dispatch('MESSAGE_DELETE', { id: gone.id, channel_id: general!.id, guild_id: seed.guild.id });
  const added = seed.state.post(dev!, 'hello from the gateway');
  gateway.dispatch('MESSAGE_CREATE', {
    id: added.id,
    channel_id: dev!.id,
    guild_id: seed.guild.id,
    content: added.content,
  });
  // Another guild's events are not ours.
  gateway.dispatch('MESSAGE_DELETE', { id: '1', channel_id: '2', guild_id: '3' });
  await expect.poll(() => changes.length).toBe(2);
  const deleteId = `${seed.guild.id}/${general!.id}/${gone.id}`;
  expect(changes).toEqual([{ channel: general!.id, deletes: [deleteId] }, { channel: dev!.id }]);
  controller.abort();
  await watching;

  // The syncs those hints trigger: the delete is reported, the narrowed read touches one channel only.
  const full = await collectPages(discordConnector, createTestContext(discordConnector, { config, credentials }));
  const ctx1 = createTestContext(discordConnector, {
    config,
    credentials,
    checkpoint: full.at(-1)!.checkpoint,
    hints: changes[0]!,
    mode: 'incremental',
  });
  const del = await collectPages(discordConnector, ctx1);
  expect(del.flatMap((p) => p.deletes ?? [])).toContain(deleteId);
  const narrowed = applyPages(
    new Map(),
    await collectPages(
      discordConnector,
      createTestContext(discordConnector, {
        config,
        credentials,
        checkpoint: full.at(-1)!.checkpoint,
        hints: changes[1]!,
        mode: 'incremental',
      }),
    ),
  );
  expect([...narrowed.keys()].every((k) => k.includes(`/${dev!.id}/`))).toBe(true);
}, 30_000);
