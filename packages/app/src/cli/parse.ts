import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TributaryError } from '@tributary/sdk/errors';

/** Pure argument parsers shared by the commands. Each throws `invalid_input` naming the flag and the fix. */

/** Parses a `--set` value: JSON when it parses (numbers, booleans, arrays, objects, quoted strings), else the raw string. */
export function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Applies `key=value` assignments onto a config object, returning a new object. `a.b=1` sets nested keys,
 * creating objects on the way.
 * @throws TributaryError `invalid_input` on a malformed assignment or a path through a non-object
 */
export function applySets(base: Record<string, unknown>, assignments: string[]): Record<string, unknown> {
  const out = structuredClone(base);
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0)
      throw new TributaryError(
        'invalid_input',
        `--set "${assignment}": expected key=value (e.g. --set rootDir=/notes or --set filters.since=2024-01-01)`,
      );
    const keys = assignment.slice(0, eq).split('.');
    if (keys.some((k) => k === '' || k === '__proto__' || k === 'constructor' || k === 'prototype')) {
      throw new TributaryError(
        'invalid_input',
        `--set "${assignment}": "${assignment.slice(0, eq)}" is not a valid key path`,
      );
    }
    let node: Record<string, unknown> = out;
    for (const [i, key] of keys.slice(0, -1).entries()) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new TributaryError(
          'invalid_input',
          `--set "${assignment}": ${keys.slice(0, i + 1).join('.')} is not an object`,
        );
      }
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = parseValue(assignment.slice(eq + 1));
  }
  return out;
}

/**
 * Reads `--config`: inline JSON, or `@file` (JSON) relative to `cwd`.
 * @throws TributaryError `invalid_input` when it is not a JSON object or the file is unreadable
 */
export function parseConfigOption(
  raw: string,
  cwd: string,
  readFile: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): Record<string, unknown> {
  let text = raw;
  let label = '--config';
  if (raw.startsWith('@')) {
    const file = path.resolve(cwd, raw.slice(1));
    label = `--config ${raw}`;
    try {
      text = readFile(file);
    } catch (err) {
      throw new TributaryError('invalid_input', `${label}: cannot read ${file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TributaryError(
      'invalid_input',
      `${label}: not valid JSON (${(err as Error).message}); pass a JSON object like '{"rootDir":"/notes"}' or @file.json`,
      { cause: err },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TributaryError('invalid_input', `${label}: expected a JSON object like '{"rootDir":"/notes"}'`);
  }
  return value as Record<string, unknown>;
}

const ON = new Set(['on', 'true', 'yes', '1']);
const OFF = new Set(['off', 'false', 'no', '0']);

/**
 * Parses `--feature name=on|off` flags into overrides.
 * @throws TributaryError `invalid_input` on a malformed flag
 */
export function parseFeatures(flags: string[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq === -1 ? flag : flag.slice(0, eq);
    const value = eq === -1 ? 'on' : flag.slice(eq + 1).toLowerCase();
    if (!name || !(ON.has(value) || OFF.has(value)))
      throw new TributaryError('invalid_input', `--feature "${flag}": expected name=on or name=off`);
    out[name] = ON.has(value);
  }
  return out;
}

/**
 * Parses `--interval` / `--cron` into a schedule (undefined when neither is given).
 * @throws TributaryError `invalid_input` when both are given or the interval is not a positive integer
 */
export function parseSchedule(
  interval: string | undefined,
  cron: string | undefined,
): { intervalMinutes?: number; cron?: string } | undefined {
  if (interval !== undefined && cron !== undefined)
    throw new TributaryError('invalid_input', 'Pass either --interval or --cron, not both.');
  if (cron !== undefined) {
    const fields = cron.trim().split(/\s+/).length;
    if (fields < 5 || fields > 6)
      throw new TributaryError('invalid_input', `--cron "${cron}": expected 5 or 6 fields, like "0 * * * *"`);
    return { cron: cron.trim() };
  }
  if (interval !== undefined) return { intervalMinutes: parsePositiveInt(interval, '--interval') };
  return undefined;
}

/** @throws TributaryError `invalid_input` naming the flag */
export function parsePositiveInt(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new TributaryError('invalid_input', `${flag} "${raw}": expected a positive whole number`);
  return n;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * Parses a time bound: an ISO date/time (`2024-05-01`, `2024-05-01T10:00Z`) or a span back from now (`30m`, `12h`,
 * `7d`, `2w`). Returns ISO 8601 UTC.
 * @throws TributaryError `invalid_input` naming the flag
 */
export function parseTime(raw: string, flag: string, now: Date = new Date()): string {
  const span = /^(\d+)\s*([mhdw])$/i.exec(raw.trim());
  if (span) return new Date(now.getTime() - Number(span[1]) * UNITS[span[2]!.toLowerCase()]!).toISOString();
  if (/^\d{4}-\d{2}-\d{2}/.test(raw)) {
    const t = Date.parse(raw);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  throw new TributaryError(
    'invalid_input',
    `${flag} "${raw}": expected a date like 2024-05-01, a time like 2024-05-01T10:00:00Z, or a span like 7d, 12h, 2w`,
  );
}

/** Collects a repeatable commander option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
