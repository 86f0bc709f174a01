import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { discordConnector } from '@tributary/connectors/discord/index';
import { seedDiscord, startDiscordGateway, startDiscordTwin } from '../../../../test/twins/discord/index.js';
import { harness } from './test-support/harness.js';
import { startUp, type UpProcess } from './test-support/up-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-discord-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Discord's Gateway end to end under `tributary up` with the `realtime` feature: the watcher identifies to the twin's
 * Gateway, a new message (MESSAGE_CREATE) is searchable within 5 s, a deleted one (MESSAGE_DELETE, outside any
 * REST reconciliation) leaves search within 5 s.
 */
it('Gateway events make a new message searchable and a deleted one vanish within 5 s under `up`', async () => {
  const seed = seedDiscord({ channels: 2, messages: 20, threads: 1, forumPosts: 0 });
  const gateway = await startDiscordGateway(seed.state);
  const twin = await startDiscordTwin(seed.state, { gatewayUrl: gateway.url });
  const dataDir = path.join(dir, 'home');
  const cli = harness([discordConnector], dataDir, dir, { DTOKEN: 'discord-bot-twin' });
  const added = await cli.run(
    'sources',
    'add',
    'discord',
    '--name',
    'dc',
    '--config',
    JSON.stringify({ guilds: [seed.guild.id], apiBaseUrl: `${twin.url}/api`, reconcileMessages: 0 }),
    '--credential-env',
    'DTOKEN',
    '--feature',
    'realtime=on',
  );
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
  let up: UpProcess | undefined;
  try {
    const { hits, sync } = (up = await startUp(dataDir));
    expect(await sync('dc')).toBe(200);
    await gateway.ready();
    const general = seed.channels[0]!;
    const guild_id = seed.guild.id;

    const msg = seed.state.post(general, 'The kestrel release is tonight');
    let started = Date.now();
    gateway.dispatch('MESSAGE_CREATE', { id: msg.id, channel_id: general.id, guild_id, content: msg.content });
    await expect.poll(() => hits('kestrel'), { timeout: 5_000, interval: 50 }).toBe(1);
    const createMs = Date.now() - started;

    seed.state.remove(general, msg.id);
    started = Date.now();
    gateway.dispatch('MESSAGE_DELETE', { id: msg.id, channel_id: general.id, guild_id });
    await expect.poll(() => hits('kestrel'), { timeout: 5_000, interval: 50 }).toBe(0);
    const deleteMs = Date.now() - started;
    console.log(`discord gateway: new message searchable after ${createMs} ms, deleted one gone after ${deleteMs} ms`);
    expect(createMs).toBeLessThan(5_000);
    expect(deleteMs).toBeLessThan(5_000);
  } finally {
    await up?.stop();
    await twin.close();
    await gateway.close();
  }
}, 120_000);
