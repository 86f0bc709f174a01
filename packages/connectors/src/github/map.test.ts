import { ItemSchema } from '@tributary/sdk';
import { describe, expect, it } from 'vitest';
import { rateLimitWaitMs } from './client.js';
import { numberFromUrl, toCommitItem, toIssueItem, toReviewItem, wantsFile } from './map.js';

const issue = {
  number: 7,
  title: 'Crash on start',
  body: 'Steps',
  state: 'open',
  user: { login: 'octo' },
  labels: ['bug', { name: 'p1' }],
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-02T00:00:00Z',
};

describe('github map', () => {
  it('maps issues and pull requests (from the issues endpoint) to their streams', () => {
    const i = toIssueItem('acme/w', issue);
    expect(ItemSchema.parse(i)).toBeTruthy();
    expect([i.externalId, i.stream, i.title, i.thread, i.tags]).toEqual([
      'acme/w#7',
      'issues',
      '#7 Crash on start',
      'acme/w#7',
      ['bug', 'p1', 'open'],
    ]);
    const pr = toIssueItem('acme/w', {
      ...issue,
      state: 'closed',
      pull_request: { merged_at: '2025-01-03T00:00:00Z' },
    });
    expect([pr.stream, pr.tags, pr.metadata?.mergedAt]).toEqual([
      'pull-requests',
      ['bug', 'p1', 'merged'],
      '2025-01-03T00:00:00Z',
    ]);
  });

  it('gives an empty approval a readable content, and commits their first line as title', () => {
    expect(toReviewItem('acme/w', 7, { id: 1, body: '', state: 'APPROVED' }).content).toBe('Approved');
    const c = toCommitItem('acme/w', {
      sha: 'abc',
      commit: { message: 'Fix it\n\nLong story', author: { name: 'Ada', date: '2025-01-01T00:00:00Z' } },
    });
    expect([c.externalId, c.title, c.author]).toEqual(['acme/w@abc', 'Fix it', 'Ada']);
  });

  it('selects files by kind or extension', () => {
    expect(wantsFile('docs/a.md', ['markdown'])).toBe(true);
    expect(wantsFile('src/a.ts', ['markdown'])).toBe(false);
    expect(wantsFile('src/a.ts', ['code'])).toBe(true);
    expect(wantsFile('notes/a.org', ['.org'])).toBe(true);
    expect(wantsFile('Makefile', ['markdown', 'code'])).toBe(false);
    expect(numberFromUrl('https://api.github.com/repos/a/b/issues/42')).toBe(42);
  });

  it('reads both GitHub rate limits: Retry-After (secondary) and x-ratelimit-reset (primary)', () => {
    const now = Date.UTC(2026, 0, 1);
    const res = (status: number, headers: Record<string, string>) => new Response(null, { status, headers });
    expect(rateLimitWaitMs(res(403, { 'retry-after': '30' }), now)).toBe(30_000);
    expect(
      rateLimitWaitMs(res(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) }), now),
    ).toBe(90_000);
    expect(rateLimitWaitMs(res(403, { 'x-ratelimit-remaining': '10' }), now)).toBeUndefined();
    expect(rateLimitWaitMs(res(200, { 'x-ratelimit-remaining': '0' }), now)).toBeUndefined();
  });
});
