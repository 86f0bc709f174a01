import { ItemSchema } from '@tributary/sdk';
import { describe, expect, it } from 'vitest';
import { validItemFast } from './validate-fast.js';

const base = {
  externalId: 'm-1',
  stream: 'messages',
  content: 'hello #team, see the roadmap',
  contentType: 'text',
  title: 'A title',
  url: 'https://example.com/x',
  author: 'ana',
  occurredAt: '2025-01-01T10:00:00.000Z',
  container: '#general',
  thread: 't-1',
  tags: ['a', 'b'],
  metadata: { n: 1, nested: { k: 'v' } },
};

// Each variant is checked against zod: the fast path may decline a valid item, never accept an invalid one.
const variants: Array<[string, Record<string, unknown>]> = [
  ['the common shape', {}],
  [
    'no optional fields',
    {
      contentType: undefined,
      title: undefined,
      url: undefined,
      author: undefined,
      occurredAt: undefined,
      container: undefined,
      thread: undefined,
      tags: undefined,
      metadata: undefined,
    },
  ],
  ['markdown', { contentType: 'markdown' }],
  ['unknown content type', { contentType: 'pdf' }],
  ['empty external id', { externalId: '' }],
  ['long external id', { externalId: 'x'.repeat(1025) }],
  ['numeric external id', { externalId: 7 }],
  ['long stream', { stream: 's'.repeat(65) }],
  ['content not a string', { content: null }],
  ['null title', { title: null }],
  ['long title', { title: 't'.repeat(2001) }],
  ['empty title', { title: '' }],
  ['long author', { author: 'a'.repeat(513) }],
  ['long url', { url: 'u'.repeat(4097) }],
  ['unknown key', { extra: 1 }],
  ['offset timestamp', { occurredAt: '2025-01-01T10:00:00+02:00' }],
  ['timestamp without fraction', { occurredAt: '2025-01-31T23:59:59Z' }],
  ['not a timestamp', { occurredAt: 'yesterday' }],
  ['bad month', { occurredAt: '2025-13-01T00:00:00.000Z' }],
  ['empty tag', { tags: ['ok', ''] }],
  ['long tag', { tags: ['t'.repeat(201)] }],
  ['too many tags', { tags: Array.from({ length: 201 }, (_, i) => `t${i}`) }],
  ['tags not an array', { tags: 'a,b' }],
  ['metadata array', { metadata: [1, 2] }],
  ['metadata null', { metadata: null }],
  ['metadata with a null prototype', { metadata: Object.assign(Object.create(null), { k: 1 }) }],
];

describe('validItemFast', () => {
  it.each(variants)('agrees with ItemSchema: %s', (_name, change) => {
    const raw = { ...base, ...change };
    const zod = ItemSchema.safeParse(raw);
    const fast = validItemFast(raw);
    if (fast) {
      expect(zod.success).toBe(true);
      expect(fast).toEqual(zod.data);
    }
  });

  it('takes the common shapes itself and declines what zod rejects', () => {
    expect(validItemFast(base)).toBe(base); // not copied
    const bare = { externalId: 'x', stream: 'messages', content: '' };
    expect(validItemFast(bare)).toEqual({ ...bare, contentType: 'text' });
    expect(bare).not.toHaveProperty('contentType'); // the raw item is not changed
    for (const [name, change] of variants) {
      const raw = { ...base, ...change };
      if (!ItemSchema.safeParse(raw).success) expect([name, validItemFast(raw)]).toEqual([name, undefined]);
    }
    expect(validItemFast(null)).toBeUndefined();
    expect(validItemFast([base])).toBeUndefined();
  });
});
