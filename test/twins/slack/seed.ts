import { openSlackExport, parseJson } from '../../../packages/connectors/src/slack-export/client.js';
import { createLogicalClock } from '../kit/index.js';
import { msToTs, SlackState, type TwinMessage } from './state.js';

/** What the seed made each message, so tests know the expected counts without asking the connector. */
export type SeedKind = 'normal' | 'bot' | 'system' | 'short' | 'parent' | 'reply';

export interface SlackSeedOptions {
  channels?: number;
  messagesPerChannel?: number;
  /** Replies under every thread parent (one parent every 20 messages). @default 3 */
  repliesPerThread?: number;
  /** Direct-message conversations (with 20 messages each). @default 1 */
  dms?: number;
  /** First message time. @default 2025-12-01T00:00:00Z */
  startMs?: number;
  /** Time between two messages of a channel. @default 60 s */
  spacingMs?: number;
}

export interface SlackSeed {
  state: SlackState;
  /** `<channel>:<ts>` → kind. */
  kinds: Map<string, SeedKind>;
  /** Counts by kind over channels (`channel`) and DMs (`im`). */
  count(kinds: SeedKind[], where?: 'channel' | 'im'): number;
}

const WORDS = [
  'roadmap',
  'deploy',
  'review',
  'budget',
  'incident',
  'design',
  'release',
  'migration',
  'customer',
  'metrics',
];

/**
 * A deterministic workspace: users, public channels and DMs whose messages mix the kinds filters care about (every
 * 10th from a bot, every 25th a join notice, every 13th a short "ok", every 20th a thread parent with replies).
 */
export function seedSlackWorkspace(opts: SlackSeedOptions = {}): SlackSeed {
  const nChannels = opts.channels ?? 5;
  const perChannel = opts.messagesPerChannel ?? 400;
  const repliesPer = opts.repliesPerThread ?? 3;
  const start = opts.startMs ?? Date.UTC(2025, 11, 1);
  const spacing = opts.spacingMs ?? 60_000;
  const end = start + (perChannel + 2) * spacing;
  const state = new SlackState(createLogicalClock(end));
  const kinds = new Map<string, SeedKind>();
  const where = new Map<string, 'channel' | 'im'>();
  for (let u = 1; u <= 5; u++)
    state.addUser(`U00${u}`, `user${u}`, `User ${['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara'][u - 1]}`);
  state.addUser('UBOT', 'twinbot', 'Twin Bot', { is_bot: true });

  const put = (channel: string, kind: SeedKind, m: TwinMessage): void => {
    state.insert(channel, m);
    kinds.set(`${channel}:${m.ts}`, kind);
    where.set(`${channel}:${m.ts}`, channel.startsWith('D') ? 'im' : 'channel');
  };
  const fill = (channel: string, count: number): void => {
    for (let i = 0; i < count; i++) {
      const ms = start + i * spacing + (channel.charCodeAt(channel.length - 1) % 7) * 1000;
      const ts = msToTs(ms);
      const user = `U00${(i % 5) + 1}`;
      const word = WORDS[i % WORDS.length]!;
      if (i % 10 === 3) {
        put(channel, 'bot', {
          type: 'message',
          ts,
          subtype: 'bot_message',
          bot_id: 'B0DEPLOY',
          username: 'deploybot',
          text: `Deploy ${i} of ${word} finished`,
          attachments: [{ id: 1, fallback: `build ${i}`, text: `build ${i} green` }],
        });
      } else if (i % 25 === 7) {
        put(channel, 'system', {
          type: 'message',
          ts,
          subtype: 'channel_join',
          user,
          text: `<@${user}> has joined the channel`,
        });
      } else if (i % 13 === 5) {
        put(channel, 'short', { type: 'message', ts, user, text: 'ok' });
      } else if (i % 20 === 0 && repliesPer > 0) {
        put(channel, 'parent', {
          type: 'message',
          ts,
          user,
          text: `Thread ${i}: what about the ${word} for <@U00${((i + 1) % 5) + 1}>?`,
          thread_ts: ts,
        });
        for (let r = 1; r <= repliesPer; r++) {
          put(channel, 'reply', {
            type: 'message',
            ts: msToTs(ms + r * 1000),
            user: `U00${((i + r) % 5) + 1}`,
            text: `Reply ${r} on the ${word} thread, see <https://example.com/${word}/${i}|notes>`,
            thread_ts: ts,
            parent_user_id: user,
          });
        }
      } else {
        put(channel, 'normal', {
          type: 'message',
          ts,
          user,
          text: `Message ${i} about the *${word}* in <#${channel}> with <@U00${((i + 2) % 5) + 1}>`,
        });
      }
    }
  };
  for (let c = 1; c <= nChannels; c++) {
    const id = `C0${String(c).padStart(4, '0')}`;
    state.addChannel({ id, name: `channel-${c}`, kind: 'channel' });
    fill(id, perChannel);
  }
  for (let d = 1; d <= (opts.dms ?? 1); d++) {
    const id = `D0${String(d).padStart(4, '0')}`;
    state.addChannel({ id, kind: 'im', user: `U00${(d % 5) + 1}` });
    fill(id, 20);
  }
  return {
    state,
    kinds,
    count(wanted, scope) {
      let n = 0;
      for (const [key, kind] of kinds)
        if (
          wanted.includes(kind) &&
          (!scope || where.get(key) === scope) &&
          state.find(key.split(':')[0]!, key.split(':')[1]!)
        )
          n++;
      return n;
    },
  };
}

/**
 * A twin workspace holding exactly the conversations, users and messages of a real Slack export (.zip or folder),
 * so the API connector can be compared with the export connector message by message.
 */
export async function seedFromSlackExport(exportPath: string): Promise<SlackState> {
  const exp = await openSlackExport(exportPath);
  try {
    const state = new SlackState();
    for (const [id, user] of exp.users) state.users.set(id, user as unknown as never);
    for (const conv of exp.conversations) {
      const kind = conv.channel.kind ?? 'channel';
      state.addChannel({
        id: conv.channel.id,
        kind,
        ...(conv.channel.name ? { name: conv.channel.name } : {}),
        ...(conv.channel.user ? { user: conv.channel.user } : {}),
      });
      for (const day of conv.days) {
        const file = `${exp.prefix}${conv.folder}/${day}.json`;
        const messages = parseJson(await exp.archive.read(file), file) as TwinMessage[];
        for (const m of messages) state.insert(conv.channel.id, { ...m, type: 'message' });
      }
    }
    return state;
  } finally {
    exp.archive.close();
  }
}
