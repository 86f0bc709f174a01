import { testConnector } from '@tributary/sdk/testing';
import {
  seedDiscord,
  startDiscordTwin,
  type DiscordSeed,
  type DiscordTwin,
} from '../../../../test/twins/discord/index.js';
import { discordConnector } from './index.js';

// A small guild keeps the crash-resume matrix fast; the full-size counts live in discord.test.ts.
let seed: DiscordSeed;
let twin: DiscordTwin | undefined;

testConnector(discordConnector, {
  get config() {
    return { guilds: [seed?.guild.id ?? '100000000000000000'], apiBaseUrl: `${twin?.url ?? 'http://127.0.0.1:9'}/api` };
  },
  credentials: { kind: 'token', token: 'discord-bot-twin' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'token', token: 'forged' } },
    { name: 'no credential', credentials: undefined },
    {
      name: 'a guild the bot is not in',
      config: { guilds: ['123456789012345678'], apiBaseUrl: 'http://127.0.0.1:9/api' },
    },
  ],
  async setup() {
    seed = seedDiscord({ channels: 2, messages: 60, threads: 3, threadMessages: 4, forumPosts: 1 });
    twin = await startDiscordTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const { state, guild, channels, threads } = seed;
    const [general, dev] = channels as [(typeof channels)[0], (typeof channels)[0]];
    const id = (c: { id: string }, m: string) => `${guild.id}/${c.id}/${m}`;
    const added = state.post(general, 'A new message about the release');
    const inThread = state.post(threads[0]!, 'A reply in the thread');
    const edited = state.edit(dev, dev.messages[40]!.id, 'Edited: the build is fixed');
    const gone = general.messages[55]!.id;
    state.remove(general, gone);
    return {
      added: [id(general, added.id), id(threads[0]!, inThread.id)],
      changed: [id(dev, edited.id)],
      deleted: [id(general, gone)],
    };
  },
  grow() {
    // Three more channels with two messages each: a cursor per channel in the checkpoint would grow with them.
    for (let n = 1; n <= 3; n++) {
      const c = seed.state.addChannel(seed.guild, `grown-${n}`);
      seed.state.post(c, `first in grown-${n}`);
      seed.state.post(c, `second in grown-${n}`);
    }
    return 6;
  },
});
