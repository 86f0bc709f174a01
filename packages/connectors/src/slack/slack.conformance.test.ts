import { testConnector } from '@tributary/sdk/testing';
import {
  seedSlackWorkspace,
  startSlackTwin,
  type SlackSeed,
  type SlackTwin,
} from '../../../../test/twins/slack/index.js';
import { slackConnector } from './index.js';

// A small workspace (3 channels × 30 messages, threads, a DM) keeps the crash-resume matrix fast.
let seed: SlackSeed;
let twin: SlackTwin | undefined;

testConnector(slackConnector, {
  get config() {
    return { baseUrl: twin?.apiUrl ?? 'http://127.0.0.1:9/api/', sync: { batchSize: 10 }, dms: { enabled: true } };
  },
  credentials: { kind: 'token', token: 'xoxb-twin-bot' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'token', token: 'xoxb-forged' } },
    { name: 'revoked token', credentials: { kind: 'token', token: 'xoxb-revoked' } },
    { name: 'no credential', credentials: undefined },
  ],
  async setup() {
    seed = seedSlackWorkspace({ channels: 3, messagesPerChannel: 30, dms: 1 });
    seed.state.tokens.set('xoxb-revoked', { kind: 'bot', scopes: [], state: 'revoked' });
    twin = await startSlackTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const s = seed.state;
    const added = [
      s.post('C00001', { user: 'U001', text: 'A brand new message about the launch' }),
      s.post('C00002', { user: 'U002', text: 'Another new one, with <@U003>' }),
    ];
    // Message 1 is a normal message, 20 a thread parent (seed layout); both inside the re-check window.
    const channel = s.channel('C00001');
    const normal = channel.messages.find((m) => m.text.startsWith('Message 1 '))!;
    s.edit('C00001', normal.ts, 'Message 1, edited: the budget moved');
    const parent = channel.messages.find((m) => m.text.startsWith('Thread 20'))!;
    const reply = s.reply('C00001', parent.ts, { user: 'U004', text: 'A late reply to the thread' });
    const gone = s.channel('C00002').messages.find((m) => m.text.startsWith('Message 2 '))!;
    s.remove('C00002', gone.ts);
    return {
      added: [...added.map((m, i) => `${i === 0 ? 'C00001' : 'C00002'}:${m.ts}`), `C00001:${reply.ts}`],
      changed: [`C00001:${normal.ts}`],
      deleted: [`C00002:${gone.ts}`],
    };
  },
  grow() {
    // Ten more channels of one message each: a cursor per channel in the checkpoint would grow by one value per
    // new item, so checkpoint:bounded fails unless cursors live in connector state.
    const s = seed.state;
    for (let c = 1; c <= 10; c++) {
      const id = `C9${String(c).padStart(4, '0')}`;
      s.addChannel({ id, name: `grown-${c}`, kind: 'channel' });
      s.post(id, { user: 'U001', text: `First message in grown channel ${c}` });
    }
    return 10;
  },
  deletionsByFullRefresh: true,
});
