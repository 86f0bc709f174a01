import { describe, expect, it } from 'vitest';
import { TributaryError } from '@tributary/sdk';
import { createPipeline, isFailure } from '../pipeline/prepare.js';
import { LinearRegExp, UnsupportedRegexError } from './linear-regex.js';
import { compileRegex, parsePrivacyRules } from './privacy.js';

describe('LinearRegExp (user patterns on RE2JS)', () => {
  it('behaves as a RegExp for replace, match, test, matchAll, named groups and flags', () => {
    const re = new LinearRegExp('(?<num>\\d{3})-(\\d{4})', 'g');
    expect('call 555-1234 or 555-9876.'.replace(re, '[X]')).toBe('call [X] or [X].');
    expect('call 555-1234 or 555-9876.'.replace(re, '$2/$<num>')).toBe('call 1234/555 or 9876/555.');
    expect('a 111-2222 b 333-4444'.match(re)).toEqual(['111-2222', '333-4444']);
    expect([...'a 111-2222'.matchAll(re)].map((m) => [m.index, m.groups?.num])).toEqual([[2, '111']]);
    expect(re.test('none here')).toBe(false);
    expect(new LinearRegExp('falcon', 'gi').test('A FALCON')).toBe(true);
    expect(new LinearRegExp('^b', 'gm').test('a\nb')).toBe(true);
    expect(new LinearRegExp('^b', 'g').test('a\nb')).toBe(false);
    expect(new LinearRegExp('a.b', 'gs').test('a\nb')).toBe(true);
    // Indexes are UTF-16, as JavaScript's: an emoji before the match counts two.
    expect(new LinearRegExp('é+', 'g').exec('😀 éé')?.index).toBe(3);
    // An empty match advances instead of looping.
    expect('abc'.match(new LinearRegExp('x*', 'g'))).toEqual(['', '', '', '']);
    expect(re.source).toBe('(?<num>\\d{3})-(\\d{4})');
    expect(re.flags).toBe('g');
  });

  it('refuses what cannot run in linear time, and what is not a regex', () => {
    expect(() => new LinearRegExp('(a)\\1', 'g')).toThrow(UnsupportedRegexError);
    expect(() => new LinearRegExp('a(?=b)', 'g')).toThrow(UnsupportedRegexError);
    expect(() => new LinearRegExp('a(?<!b)', 'g')).toThrow(UnsupportedRegexError);
    expect(() => new LinearRegExp('[', 'g')).toThrow(SyntaxError);
  });

  it('matches a catastrophic-backtracking pattern on a long input (V8 would not return)', () => {
    // `(a+)+$` on 'aaa…b' is exponential in V8; 50,000 characters finish here. No time bound is asserted (ordinary
    // test): the test would hang, not fail, if the pattern ran on the backtracking engine.
    const hostile = new LinearRegExp('(a+)+$', 'g');
    expect(hostile.test(`${'a'.repeat(50_000)}b`)).toBe(false);
    expect(compileRegex('(x+x+)+y', undefined, 'match').test(`${'x'.repeat(30_000)}`)).toBe(false);
  });
});

describe('privacy rules use the linear engine', () => {
  it('a rule with a backreference or lookaround is invalid_input naming the rule', () => {
    const err = (() => {
      try {
        parsePrivacyRules({ redact: [{ pattern: 'ok' }], exclude: [{ field: 'text', pattern: '(\\w)\\1' }] });
      } catch (e) {
        return e as TributaryError;
      }
    })();
    expect(err).toBeInstanceOf(TributaryError);
    expect(err?.code).toBe('invalid_input');
    expect(err?.message).toContain('exclude.0.pattern');
    expect(err?.message).toContain('backreferences and lookaround are not supported');
    expect(() => compileRegex('x(?!y)', undefined, 'match')).toThrow(/match: uses syntax/);
  });

  it('a hostile redaction pattern in the pipeline redacts without stalling', () => {
    const p = createPipeline({ redactionPatterns: [{ name: 'u', pattern: compileRegex('(a+)+$', '', 'r') }] });
    const content = (c: string) => {
      const item = { externalId: c.slice(0, 8), stream: 'm', content: c, contentType: 'text' as const };
      const out = p.prepare(item, p.fingerprint(item));
      if (isFailure(out)) throw new Error(out.message);
      return out.content;
    };
    const long = `${'a'.repeat(20_000)}b`;
    expect(content(long)).toBe(long);
    expect(content('keep aaa')).toBe('keep [REDACTED]');
  });
});
