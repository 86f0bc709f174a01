import { ChannelType, DiscordState, type DcChannel, type DcGuild } from './state.js';

export interface DiscordSeedOptions {
  /** Text channels in the guild (`general`, `dev-1` …). @default 2 */
  channels?: number;
  /** Messages per text channel. @default 50 */
  messages?: number;
  /** Threads in all, spread over the channels; every third archived. @default 3 */
  threads?: number;
  /** Messages per thread. @default 5 */
  threadMessages?: number;
  /** A forum channel with this many posts (threads). @default 1 */
  forumPosts?: number;
}

export interface DiscordSeed {
  state: DiscordState;
  guild: DcGuild;
  channels: DcChannel[];
  threads: DcChannel[];
  forum: DcChannel | undefined;
  /** A channel the bot cannot read (Missing Access). */
  hidden: DcChannel;
}

/**
 * A guild with exact counts. Every 10th message mentions a user and the maintainers role, every 25th carries an
 * attachment, every 40th an embed, every 7th is a reply.
 */
export function seedDiscord(o: DiscordSeedOptions = {}): DiscordSeed {
  const state = new DiscordState();
  const guild = state.addGuild('Acme Community');
  const role = guild.roles[1]!;
  const channels: DcChannel[] = [];
  for (let i = 0; i < (o.channels ?? 2); i++) channels.push(state.addChannel(guild, i === 0 ? 'general' : `dev-${i}`));
  const hidden = state.addChannel(guild, 'mods-only');
  hidden.hidden = true;
  state.post(hidden, 'secret moderation talk');
  const fill = (c: DcChannel, n: number, label: string) => {
    for (let k = 0; k < n; k++) {
      const who = state.users[(k + 1) % state.users.length]!;
      const mention = k % 10 === 9;
      state.post(c, `${label} message ${k + 1}${mention ? ` cc <@${who.id}> and <@&${role.id}> in <#${c.id}>` : ''}`, {
        ...(mention ? { mentions: [who], mention_roles: [role.id] } : {}),
        ...(k % 25 === 24 ? { attachments: [state.attachment(`report-${k}.pdf`)] } : {}),
        ...(k % 40 === 39
          ? {
              embeds: [
                {
                  type: 'rich' as const,
                  title: `Build ${k}`,
                  description: 'All green',
                  fields: [{ name: 'Duration', value: '4m', inline: true }],
                },
              ],
            }
          : {}),
        ...(k % 7 === 6 && c.messages.length ? { reference: c.messages.at(-1)!.id } : {}),
      });
    }
  };
  for (const c of channels) fill(c, o.messages ?? 50, c.name);
  const threads: DcChannel[] = [];
  for (let t = 0; t < (o.threads ?? 3); t++) {
    const parent = channels[t % channels.length]!;
    const th = state.addThread(parent, `thread-${t + 1}`);
    fill(th, o.threadMessages ?? 5, th.name);
    if (t % 3 === 2) state.archive(th);
    threads.push(th);
  }
  let forum: DcChannel | undefined;
  if ((o.forumPosts ?? 1) > 0) {
    forum = state.addChannel(guild, 'help', ChannelType.forum);
    for (let p = 0; p < (o.forumPosts ?? 1); p++) {
      const post = state.addThread(forum, `How do I ${p + 1}?`);
      fill(post, 3, post.name);
      threads.push(post);
    }
  }
  return { state, guild, channels, threads, forum, hidden };
}
