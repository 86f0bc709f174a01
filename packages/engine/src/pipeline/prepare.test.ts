import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash, createPipeline, isoTimestamp } from './prepare.js';
import { createDomainClassifier, DEFAULT_DOMAINS } from './enrich/domain.js';
import { readSignals } from './enrich/importance.js';

// The backfill fast paths must give byte-identical results to what they replaced: stored fingerprints, content
// hashes and timestamps are compared with new ones on every re-sync.
describe('pipeline fast paths', () => {
  it('contentHash equals the streamed SHA-256 it replaced', () => {
    for (const [stream, title, content] of [
      ['messages', null, 'hello'],
      ['documents', 'Tïtle ☃', 'line\n\u{1F600} text'],
      ['x', '', ''],
    ] as Array<[string, string | null, string]>) {
      const streamed = createHash('sha256')
        .update(stream)
        .update('\u0000')
        .update(title ?? '')
        .update('\u0000')
        .update(content)
        .digest('hex');
      expect(contentHash(stream, title, content)).toBe(streamed);
    }
  });

  it('isoTimestamp equals new Date(x).toISOString() for canonical, rolled-over and offset inputs', () => {
    const inputs = [
      '2025-01-01T00:05:00.000Z',
      '2024-02-28T23:59:59.999Z',
      '2024-02-29T12:00:00.000Z',
      '2025-02-30T00:00:00.000Z',
      '2025-04-31T10:00:00.000Z',
      '2025-06-15T10:00:00Z',
      '2025-06-15T10:00:00.5+02:00',
      '2025-12-31T23:59:59.999-01:00',
      '0001-01-01T00:00:00.000Z',
    ];
    for (const s of inputs) expect(isoTimestamp(s), s).toBe(new Date(s).toISOString());
  });

  it('fingerprint is a salted SHA-256 of the item JSON, stable across pipelines with the same options', () => {
    const item = { externalId: 'a', stream: 'messages', content: 'x', contentType: 'text' as const };
    const a = createPipeline().fingerprint(item);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createPipeline().fingerprint(item)).toBe(a);
    expect(createPipeline({ secrets: ['hunter22'] }).fingerprint(item)).not.toBe(a);
  });

  it('domain classification counts the same keyword hits as a matchAll over the same pattern, item after item', () => {
    const classifier = createDomainClassifier();
    const texts = [
      'Merge the pull request, then deploy; the test failed in CI',
      'invoice and payment receipt for the hotel booking',
      'pull requests are not a keyword, pull request is',
      'nothing to see here',
      'Flight to the airport, passport, visa',
    ];
    // Twice over, so a regex lastIndex left behind by one item would show on the next.
    const first = texts.map((t) => classifier.classify({ title: null, content: t, container: null, tags: [] }));
    const second = texts.map((t) => classifier.classify({ title: null, content: t, container: null, tags: [] }));
    expect(second).toEqual(first);
    expect(first.slice(0, 3)).toEqual(['code', 'finance', 'code']);
    expect(first[3]).toBeNull();
    expect(first[4]).toBe('travel');
    expect(Object.keys(DEFAULT_DOMAINS)).toContain('code');
  });

  it('an empty keyword in a custom taxonomy is ignored instead of matching everywhere', () => {
    const classifier = createDomainClassifier({ a: { keywords: ['', 'alpha'] }, b: { keywords: ['beta'] } });
    expect(classifier.classify({ title: null, content: 'beta beta', container: null, tags: [] })).toBe('b');
  });

  it('mentions are still found when the user names themself', () => {
    const input = { content: 'Ping @Ada about it', author: null, tags: [], metadata: {} };
    expect(readSignals(input, ['ada']).mentioned).toBe(true);
    expect(readSignals(input).mentioned).toBe(false);
  });
});
