import { describe, expect, it } from 'vitest';
import { createDomainClassifier } from './domain.js';
import { readSignals, scoreImportance } from './importance.js';
import { createEnricher } from './index.js';

const base = { title: null, content: 'hello there', author: null, container: null, tags: [], metadata: {} };

describe('importance', () => {
  it('reads each signal from the metadata connectors write', () => {
    const s = readSignals(
      {
        ...base,
        content: 'ping @ada about it',
        author: 'Ada Lovelace',
        metadata: { replyCount: 2, reactions: [{ name: 'x', count: 3 }], flags: ['\\Flagged'], editedTs: '1.2' },
      },
      ['ada'],
    );
    expect(s).toMatchObject({ replies: 2, reactions: 3, marked: true, own: true, mentioned: true, edited: true });
  });

  it('is 0–1, grows with each signal and saturates', () => {
    const plain = scoreImportance(readSignals(base));
    const replied = scoreImportance(readSignals({ ...base, metadata: { replyCount: 3 } }));
    const flooded = scoreImportance(readSignals({ ...base, metadata: { replyCount: 3000 } }));
    expect(plain).toBeGreaterThan(0);
    expect(replied).toBeGreaterThan(plain);
    expect(flooded).toBeLessThanOrEqual(plain + 0.2 + 1e-9);
    const all = readSignals(
      {
        ...base,
        author: 'me',
        content: '@me '.repeat(5000),
        metadata: { replyCount: 1e6, reactions: 1e6, starred: true, edited: true },
      },
      ['me'],
    );
    expect(scoreImportance(all)).toBeLessThanOrEqual(1);
  });

  it('weighs per connector: a flag counts more on mail than the default', () => {
    const s = readSignals({ ...base, metadata: { flags: ['flagged'] } });
    expect(scoreImportance(s, 'imap')).toBeGreaterThan(scoreImportance(s, 'rss'));
  });
});

describe('domain', () => {
  const c = createDomainClassifier();
  it('classifies by whole-word keywords, none without evidence', () => {
    expect(c.classify({ ...base, content: 'Your invoice and the receipt for the payment' })).toBe('finance');
    expect(c.classify({ ...base, content: 'Dentist appointment moved' })).toBe('health');
    expect(c.classify({ ...base, content: 'nothing to see' })).toBeNull();
    // "pr" inside "price" is not the word "pr"
    expect(c.classify({ ...base, content: 'the price' })).toBe('finance');
  });
  it('leans on the connector and on tags', () => {
    expect(c.classify({ ...base, content: 'fixed it' }, 'git')).toBe('code');
    expect(c.classify({ ...base, tags: ['travel'] }, 'git')).toBe('travel');
  });
  it('uses a configured taxonomy', () => {
    const e = createEnricher({ domains: { garden: { keywords: ['tomato'] } } });
    expect(e.enrich({ ...base, content: 'Tomato seedlings' }).domain).toBe('garden');
  });
});
