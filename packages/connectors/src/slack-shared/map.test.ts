import { describe, expect, it } from 'vitest';
import { ItemSchema } from '@tributary/sdk';
import { isBotMessage, slackTsToIso, toSlackItem } from './map.js';
import type { SlackChannel, SlackMessage, SlackUser } from './types.js';

const users = new Map<string, SlackUser>([
  [
    'U1',
    { id: 'U1', name: 'ada', real_name: 'Ada Lovelace', profile: { display_name: 'ada', real_name: 'Ada Lovelace' } },
  ],
  ['U2', { id: 'U2', name: 'grace', profile: { display_name: '', real_name: 'Grace Hopper' } }],
]);
const channel: SlackChannel = { id: 'C1', name: 'general', kind: 'channel' };
const opts = { excludeBotMessages: false, excludeSystemMessages: false };

describe('toSlackItem', () => {
  it('maps a message: id, time, author, container, cleaned text', () => {
    const item = toSlackItem(
      { type: 'message', user: 'U1', ts: '1452837352.000006', text: '<@U2>: *see* <#C1|general>' },
      channel,
      users,
      opts,
    )!;
    expect(ItemSchema.parse(item)).toBeTruthy();
    expect(item.externalId).toBe('C1:1452837352.000006');
    expect(item.occurredAt).toBe('2016-01-15T05:55:52.000Z');
    expect(item.author).toBe('Ada Lovelace');
    expect(item.container).toBe('#general');
    expect(item.content).toBe('@Grace Hopper: see #general');
    expect(item.thread).toBeUndefined();
  });

  it('puts a thread parent and its replies in the same thread, with reply permalinks', () => {
    const parent: SlackMessage = { user: 'U1', ts: '100.000100', thread_ts: '100.000100', reply_count: 1, text: 'q' };
    const reply: SlackMessage = {
      user: 'U2',
      ts: '101.000200',
      thread_ts: '100.000100',
      parent_user_id: 'U1',
      text: 'a',
    };
    const o = { ...opts, workspaceUrl: 'https://acme.slack.com/' };
    const p = toSlackItem(parent, channel, users, o)!;
    const r = toSlackItem(reply, channel, users, o)!;
    expect(p.thread).toBe('C1:100.000100');
    expect(r.thread).toBe('C1:100.000100');
    expect(p.url).toBe('https://acme.slack.com/archives/C1/p100000100');
    expect(r.url).toBe('https://acme.slack.com/archives/C1/p101000200?thread_ts=100.000100&cid=C1');
    expect(p.metadata?.replyCount).toBe(1);
  });

  it('excludes bot and system messages only when asked', () => {
    const bot: SlackMessage = { subtype: 'bot_message', bot_id: 'B1', ts: '1.0', text: 'deploy done' };
    const join: SlackMessage = { subtype: 'channel_join', user: 'U1', ts: '2.0', text: '<@U1> has joined the channel' };
    expect(isBotMessage(bot)).toBe(true);
    expect(toSlackItem(bot, channel, users, { ...opts, excludeBotMessages: true })).toBeUndefined();
    expect(toSlackItem(bot, channel, users, opts)?.metadata?.bot).toBe(true);
    expect(toSlackItem(join, channel, users, { ...opts, excludeSystemMessages: true })).toBeUndefined();
    expect(toSlackItem(join, channel, users, opts)?.content).toBe('@ada has joined the channel');
  });

  it('keeps file metadata without private (token-bearing) urls and falls back to attachment text', () => {
    const msg: SlackMessage = {
      user: 'U1',
      ts: '3.0',
      subtype: 'file_share',
      text: '',
      files: [
        {
          id: 'F1',
          name: 'a.txt',
          title: 'A',
          mimetype: 'text/plain',
          size: 3,
          url_private: 'https://files/a?t=xoxe-secret',
          permalink: 'https://acme.slack.com/files/U1/F1/a.txt',
        },
      ],
      attachments: [{ pretext: 'New commit', text: '<https://gh/c/1|abc123>: fix' }],
    };
    const item = toSlackItem(msg, channel, users, opts)!;
    expect(item.content).toBe('New commit\nabc123 (https://gh/c/1): fix');
    expect(item.metadata?.files).toEqual([
      {
        id: 'F1',
        name: 'a.txt',
        title: 'A',
        mimetype: 'text/plain',
        size: 3,
        permalink: 'https://acme.slack.com/files/U1/F1/a.txt',
      },
    ]);
    expect(JSON.stringify(item)).not.toContain('xoxe');
  });

  it('names a DM by the other member', () => {
    const item = toSlackItem({ user: 'U2', ts: '4.0', text: 'hi' }, { id: 'D1', kind: 'im', user: 'U1' }, users, opts)!;
    expect(item.container).toBe('@ada');
    expect(item.author).toBe('Grace Hopper');
  });

  it('converts ts to ISO with milliseconds and rejects garbage', () => {
    expect(slackTsToIso('1459154014.000018')).toBe('2016-03-28T08:33:34.000Z');
    expect(() => slackTsToIso('nope')).toThrow(/not a Slack timestamp/);
  });
});
