import { describe, expect, it } from 'vitest';
import { SlackConfigSchema, withSlackFeatures } from './config.js';
import { isSelected, maxTs, toApiItem, toSlackChannel, tsAfter, userIdsOf } from './map.js';

const config = (raw: Record<string, unknown> = {}) => SlackConfigSchema.parse(raw);

describe('slack map', () => {
  it('selects channels by id or name (with or without #), and DMs only when enabled', () => {
    const general = toSlackChannel({ id: 'C1', name: 'general', is_channel: true });
    const dm = toSlackChannel({ id: 'D1', is_im: true, user: 'U7' });
    expect(general.kind).toBe('channel');
    expect(toSlackChannel({ id: 'G1', name: 'secret', is_private: true }).kind).toBe('group');
    expect(isSelected(general, config())).toBe(true);
    expect(isSelected(general, config({ channels: { mode: 'include', list: ['#General'] } }))).toBe(true);
    expect(isSelected(general, config({ channels: { mode: 'exclude', list: ['C1'] } }))).toBe(false);
    expect(isSelected(dm, config())).toBe(false);
    expect(isSelected(dm, config({ dms: { enabled: true, mode: 'include', list: ['U7'] } }))).toBe(true);
    expect(isSelected(dm, config({ dms: { enabled: true, mode: 'exclude', list: ['D1'] } }))).toBe(false);
  });

  it('collects the users a message needs: author and mentions in text and attachments', () => {
    expect(
      userIdsOf({ ts: '1.0', user: 'U1', text: 'hi <@U2> and <@W3|bob>', attachments: [{ text: 'cc <@U4>' }] }),
    ).toEqual(['U1', 'U2', 'W3', 'U4']);
  });

  it('applies minMessageLength, includeAttachments and includeReactions on top of the shared mapping', () => {
    const channel = { id: 'C1', name: 'general', kind: 'channel' as const };
    const users = new Map();
    const msg = {
      ts: '10.000100',
      user: 'U1',
      text: 'ok',
      attachments: [{ text: 'attached words' }],
      reactions: [{ name: 'tada', count: 2 }],
    };
    expect(toApiItem(msg, channel, users, config(), {})?.content).toBe('ok\n\nattached words');
    expect(
      toApiItem(msg, channel, users, config({ filters: { includeAttachments: false, minMessageLength: 3 } }), {}),
    ).toBeUndefined();
    expect(toApiItem(msg, channel, users, config({ filters: { includeAttachments: false } }), {})?.content).toBe('ok');
    expect(
      toApiItem(msg, channel, users, config({ filters: { includeReactions: false } }), {})?.metadata?.reactions,
    ).toBeUndefined();
    expect(toApiItem(msg, channel, users, config(), {})?.metadata?.reactions).toEqual([{ name: 'tada', count: 2 }]);
    // The reactions and attachments features say the same, whichever layer turned them off.
    const off = withSlackFeatures(config(), { reactions: false, attachments: false, threads: true });
    expect(off.filters).toMatchObject({ includeReactions: false, includeAttachments: false, includeThreads: true });
    expect(toApiItem(msg, channel, users, off, {})).toMatchObject({ content: 'ok', metadata: {} });
    expect(toApiItem(msg, channel, users, off, {})?.metadata?.reactions).toBeUndefined();
    // A filter turned off in the source's config stays off whatever the feature says.
    expect(
      withSlackFeatures(config({ filters: { includeThreads: false } }), { threads: true }).filters.includeThreads,
    ).toBe(false);
  });

  it('compares timestamps as numbers', () => {
    expect(tsAfter('10.000001', '9.999999')).toBe(true);
    expect(tsAfter('9.5', '10.0')).toBe(false);
    expect(tsAfter('1.0', undefined)).toBe(true);
    expect(maxTs('9.9', '10.0')).toBe('10.0');
    expect(maxTs(undefined, '1.0')).toBe('1.0');
  });
});
