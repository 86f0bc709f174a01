import { describe, expect, it } from 'vitest';
import { isIanaZone, zonedToUtc } from './zones.js';

const wall = (iso: string): number => Date.parse(`${iso}Z`);
const utc = (ms: number): string => new Date(ms).toISOString();

describe('zonedToUtc', () => {
  it('applies the offset in force at that wall time, across DST', () => {
    expect(utc(zonedToUtc(wall('2026-01-15T10:00:00'), 'Europe/Berlin'))).toBe('2026-01-15T09:00:00.000Z');
    expect(utc(zonedToUtc(wall('2026-07-15T10:00:00'), 'Europe/Berlin'))).toBe('2026-07-15T08:00:00.000Z');
    expect(utc(zonedToUtc(wall('2026-02-10T10:00:00'), 'America/Denver'))).toBe('2026-02-10T17:00:00.000Z');
  });

  it('settles times next to a transition (the day after spring-forward, the hour after fall-back)', () => {
    expect(utc(zonedToUtc(wall('2026-03-30T01:30:00'), 'Europe/Berlin'))).toBe('2026-03-29T23:30:00.000Z');
    expect(utc(zonedToUtc(wall('2026-10-25T04:00:00'), 'Europe/Berlin'))).toBe('2026-10-25T03:00:00.000Z');
  });

  it('knows IANA names and refuses others', () => {
    expect(isIanaZone('Europe/Kiev')).toBe(true);
    expect(isIanaZone('W. Europe Standard Time')).toBe(false);
  });
});
