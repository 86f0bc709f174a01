import { describe, expect, it } from 'vitest';
import { applySets, parseConfigOption, parseFeatures, parseSchedule, parseTime, parseValue } from './parse.js';

describe('applySets', () => {
  it('sets nested keys and parses values as JSON when they parse', () => {
    const out = applySets({ keep: 1, filters: { a: 1 } }, [
      'rootDir=/notes',
      'filters.since=2024-01-01',
      'n=42',
      'on=true',
      'list=["a","b"]',
      'deep.x.y="quoted"',
    ]);
    expect(out).toEqual({
      keep: 1,
      rootDir: '/notes',
      filters: { a: 1, since: '2024-01-01' },
      n: 42,
      on: true,
      list: ['a', 'b'],
      deep: { x: { y: 'quoted' } },
    });
  });

  it('does not change the base object', () => {
    const base = { a: { b: 1 } };
    applySets(base, ['a.b=2']);
    expect(base).toEqual({ a: { b: 1 } });
  });

  it('keeps everything after the first = in the value', () => {
    expect(applySets({}, ['q=a=b'])).toEqual({ q: 'a=b' });
  });

  it('refuses malformed assignments and paths through non-objects', () => {
    expect(() => applySets({}, ['novalue'])).toThrow(/expected key=value/);
    expect(() => applySets({ a: 1 }, ['a.b=2'])).toThrow(/a is not an object/);
    expect(() => applySets({}, ['__proto__.x=1'])).toThrow(/not a valid key path/);
  });
});

describe('parseValue', () => {
  it('falls back to the raw string', () => {
    expect(parseValue('hello world')).toBe('hello world');
    expect(parseValue('null')).toBeNull();
    expect(parseValue('1.5')).toBe(1.5);
  });
});

describe('parseConfigOption', () => {
  it('reads inline JSON and @file relative to cwd', () => {
    expect(parseConfigOption('{"a":1}', '/x')).toEqual({ a: 1 });
    expect(parseConfigOption('@c.json', '/work', (p) => (p === '/work/c.json' ? '{"b":2}' : ''))).toEqual({ b: 2 });
  });

  it('refuses non-objects and bad JSON with an example', () => {
    expect(() => parseConfigOption('[1]', '/')).toThrow(/expected a JSON object/);
    expect(() => parseConfigOption('{bad', '/')).toThrow(/not valid JSON/);
    expect(() =>
      parseConfigOption('@missing.json', '/', () => {
        throw new Error('ENOENT');
      }),
    ).toThrow(/cannot read \/missing.json/);
  });
});

describe('parseFeatures', () => {
  it('reads on/off (and true/false) and a bare name as on', () => {
    expect(parseFeatures(['threads=on', 'diffs=off', 'x=true', 'y'])).toEqual({
      threads: true,
      diffs: false,
      x: true,
      y: true,
    });
    expect(() => parseFeatures(['threads=maybe'])).toThrow(/name=on or name=off/);
  });
});

describe('parseSchedule', () => {
  it('takes an interval or a cron, not both', () => {
    expect(parseSchedule('30', undefined)).toEqual({ intervalMinutes: 30 });
    expect(parseSchedule(undefined, '0 * * * *')).toEqual({ cron: '0 * * * *' });
    expect(parseSchedule(undefined, undefined)).toBeUndefined();
    expect(() => parseSchedule('5', '0 * * * *')).toThrow(/not both/);
    expect(() => parseSchedule('0', undefined)).toThrow(/positive whole number/);
    expect(() => parseSchedule(undefined, '* *')).toThrow(/5 or 6 fields/);
  });
});

describe('parseTime', () => {
  const now = new Date('2024-05-10T12:00:00Z');
  it('reads spans back from now and ISO dates', () => {
    expect(parseTime('7d', '--since', now)).toBe('2024-05-03T12:00:00.000Z');
    expect(parseTime('12h', '--since', now)).toBe('2024-05-10T00:00:00.000Z');
    expect(parseTime('2w', '--since', now)).toBe('2024-04-26T12:00:00.000Z');
    expect(parseTime('2024-05-01', '--since', now)).toBe('2024-05-01T00:00:00.000Z');
    expect(parseTime('2024-05-01T10:00:00+02:00', '--until', now)).toBe('2024-05-01T08:00:00.000Z');
  });
  it('names the flag on bad input', () => {
    expect(() => parseTime('yesterday', '--since', now)).toThrow(/--since "yesterday"/);
  });
});
