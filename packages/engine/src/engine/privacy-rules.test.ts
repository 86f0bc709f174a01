import { describe, expect, it } from 'vitest';
import { createPipeline, isFailure } from '../pipeline/prepare.js';
import { compilePrivacy, isExcluded, parsePrivacyRules } from './privacy.js';

const rules = parsePrivacyRules({
  redact: [{ pattern: 'falcon', flags: 'i', sources: ['work'] }, { pattern: '\\d{3}-\\d{4}' }],
  exclude: [
    { field: 'author', pattern: 'bot$' },
    { field: 'container', pattern: '^#random$', sources: ['src-2'] },
    { field: 'text', pattern: 'unsubscribe' },
  ],
});

describe('privacy rules', () => {
  it('scope rules to sources by name or id; unscoped rules apply everywhere', () => {
    const work = compilePrivacy(rules, { id: 'src-1', name: 'work' });
    const other = compilePrivacy(rules, { id: 'src-2', name: 'home' });
    expect(work.redactionPatterns).toHaveLength(2);
    expect(other.redactionPatterns).toHaveLength(1);
    expect(work.exclude.map((r) => r.field)).toEqual(['author', 'text']);
    expect(other.exclude.map((r) => r.field)).toEqual(['author', 'container', 'text']);
  });

  it('exclude by author, container, or text (content or title)', () => {
    const { exclude } = compilePrivacy(rules, { id: 'src-2', name: 'home' });
    const base = { content: 'hello', title: undefined, author: 'ada', container: '#general' };
    expect(isExcluded(exclude, base)).toBe(false);
    expect(isExcluded(exclude, { ...base, author: 'deploy-bot' })).toBe(true);
    expect(isExcluded(exclude, { ...base, container: '#random' })).toBe(true);
    expect(isExcluded(exclude, { ...base, title: 'Unsubscribe? no: unsubscribe' })).toBe(true);
  });

  it('redaction patterns reach the pipeline (case-insensitive flag honoured, every match)', () => {
    const p = createPipeline(compilePrivacy(rules, { id: 'src-1', name: 'work' }));
    const item = {
      externalId: 'a',
      stream: 'm',
      content: 'Falcon and FALCON at 555-0101',
      contentType: 'text' as const,
    };
    const out = p.prepare(item, p.fingerprint(item));
    if (isFailure(out)) throw new Error(out.message);
    expect(out.content).toBe('[REDACTED] and [REDACTED] at [REDACTED]');
  });

  it('refuses bad rules with the path of the problem', () => {
    expect(() => parsePrivacyRules({ redact: [{ pattern: 'a(' }] })).toThrow(/redact\.0\.pattern/);
    expect(() => parsePrivacyRules({ exclude: [{ field: 'subject', pattern: 'x' }] })).toThrow();
    expect(() => parsePrivacyRules({ redact: [{ pattern: 'x', flags: 'g' }] })).toThrow();
  });
});
