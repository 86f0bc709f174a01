import { parseJqlDate } from './time.js';
import type { TwinIssue } from './jira-state.js';

/** A parsed JQL query: a conjunction of clauses and an order. */
export interface Jql {
  test(issue: TwinIssue): boolean;
  order: Array<{ field: 'updated' | 'created' | 'id' | 'key'; desc: boolean }>;
}

export class JqlError extends Error {}

/** Splits on a top-level keyword (outside parentheses and quotes). */
function splitTop(s: string, word: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  const re = new RegExp(`^\\s+${word}\\s+`, 'i');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth === 0 && /\s/.test(ch)) {
      const m = re.exec(s.slice(i));
      if (m) {
        out.push(s.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  out.push(s.slice(start));
  return out.map((x) => x.trim()).filter(Boolean);
}

/** Index of the parenthesis closing the one at 0. */
function closes(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    if (s[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

const unquote = (v: string): string => v.trim().replace(/^"(.*)"$/, '$1');
const list = (v: string): string[] =>
  v
    .replace(/^\(|\)$/g, '')
    .split(',')
    .map(unquote)
    .filter(Boolean);

const FIELD_OF: Record<string, (i: TwinIssue) => string> = {
  project: (i) => i.project,
  status: (i) => i.status,
  issuetype: (i) => i.issuetype,
  type: (i) => i.issuetype,
  priority: (i) => i.priority,
  key: (i) => i.key,
  id: (i) => i.id,
};

function clause(raw: string, tz: string): (i: TwinIssue) => boolean {
  let c = raw.trim();
  while (c.startsWith('(') && closes(c) === c.length - 1) c = c.slice(1, -1).trim();
  const parts = splitTop(c, 'AND');
  if (parts.length > 1) {
    const fs = parts.map((p) => clause(p, tz));
    return (i) => fs.every((f) => f(i));
  }
  const ors = splitTop(c, 'OR');
  if (ors.length > 1) {
    const fs = ors.map((p) => clause(p, tz));
    return (i) => fs.some((f) => f(i));
  }
  let m = /^(\w+)\s+IS\s+(NOT\s+)?EMPTY$/i.exec(c);
  if (m) {
    const get = FIELD_OF[m[1]!.toLowerCase()];
    if (!get) throw new JqlError(`Field '${m[1]}' does not exist or you do not have permission to view it.`);
    const not = !!m[2];
    return (i) => (get(i) !== '') === not;
  }
  m = /^(updated|created)\s*(>=|>|<=|<)\s*("[^"]*"|\S+)$/i.exec(c);
  if (m) {
    const at = parseJqlDate(unquote(m[3]!), tz);
    if (at === undefined) throw new JqlError(`Date value '${unquote(m[3]!)}' for field '${m[1]}' is invalid.`);
    const field = m[1]!.toLowerCase() as 'updated' | 'created';
    // JQL compares at minute resolution: the issue's time truncated to the minute.
    const t = (i: TwinIssue) => Math.floor(i[field] / 60_000) * 60_000;
    return {
      '>=': (i: TwinIssue) => t(i) >= at,
      '>': (i: TwinIssue) => t(i) > at,
      '<=': (i: TwinIssue) => t(i) <= at,
      '<': (i: TwinIssue) => t(i) < at,
    }[m[2]!]!;
  }
  m = /^(\w+)\s+(not in|in)\s+(\(.*\))$/i.exec(c);
  if (m) {
    const get = FIELD_OF[m[1]!.toLowerCase()];
    if (!get) throw new JqlError(`Field '${m[1]}' does not exist or you do not have permission to view it.`);
    const values = new Set(list(m[3]!).map((v) => v.toLowerCase()));
    const neg = m[2]!.toLowerCase() === 'not in';
    return (i) => values.has(get(i).toLowerCase()) !== neg;
  }
  m = /^(\w+)\s*(!=|=)\s*("[^"]*"|\S+)$/i.exec(c);
  if (m) {
    const f = m[1]!.toLowerCase();
    const v = unquote(m[3]!).toLowerCase();
    const neg = m[2] === '!=';
    if (f === 'labels') return (i) => i.labels.some((l) => l.toLowerCase() === v) !== neg;
    const get = FIELD_OF[f];
    if (!get) throw new JqlError(`Field '${m[1]}' does not exist or you do not have permission to view it.`);
    return (i) => (get(i).toLowerCase() === v) !== neg;
  }
  throw new JqlError(`Error in the JQL Query: the twin does not understand '${c}'.`);
}

/** Parses the JQL subset the twin supports: AND/OR, parentheses, =, !=, in, not in, date comparisons, ORDER BY. */
export function parseJql(jql: string, tz: string): Jql {
  const [where, orderBy] = jql.split(/\s+ORDER\s+BY\s+/i) as [string, string | undefined];
  const test = where.trim() ? clause(where, tz) : () => true;
  const order = (orderBy ?? 'created DESC').split(',').map((o) => {
    const [f, d] = o.trim().split(/\s+/) as [string, string | undefined];
    const field = f.toLowerCase();
    if (!['updated', 'created', 'id', 'key'].includes(field))
      throw new JqlError(`Not able to sort using field '${f}'.`);
    return { field: field as Jql['order'][number]['field'], desc: (d ?? 'ASC').toUpperCase() === 'DESC' };
  });
  return { test, order };
}

/** Compares two issues by a parsed order (ids numerically, as Jira does). */
export function compareBy(order: Jql['order']): (a: TwinIssue, b: TwinIssue) => number {
  return (a, b) => {
    for (const { field, desc } of order) {
      const x = field === 'id' ? Number(a.id) : field === 'key' ? a.key : a[field];
      const y = field === 'id' ? Number(b.id) : field === 'key' ? b.key : b[field];
      const d = x < y ? -1 : x > y ? 1 : 0;
      if (d) return desc ? -d : d;
    }
    return Number(a.id) - Number(b.id);
  };
}
