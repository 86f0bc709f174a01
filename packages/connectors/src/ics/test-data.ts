import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (tests read ../shared/testdata beside it). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** node-ical's real-world .ics fixtures (see testdata/PROVENANCE.md). */
export const ICS_ROOT = path.resolve(repoRoot, '../shared/testdata/calendar');
export const FIXTURES = path.join(ICS_ROOT, 'ics', 'node-ical', 'fixtures');
export const fixture = (name: string): string => path.join(FIXTURES, name);

/** Every .ics file under testdata/calendar, recursively. */
export function allIcsFiles(dir = ICS_ROOT): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...allIcsFiles(p));
    else if (name.endsWith('.ics')) out.push(p);
  }
  return out;
}

/** Days between two UTC dates (inclusive) whose weekday is in `weekdays` (0 = Sunday), counted with plain Dates. */
export function countWeekdays(fromIso: string, toIso: string, weekdays: number[]): number {
  let n = 0;
  for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += 86_400_000)
    if (weekdays.includes(new Date(t).getUTCDay())) n++;
  return n;
}
