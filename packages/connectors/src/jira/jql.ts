import type { JiraConfig } from './config.js';

/** A JQL date in `tz` at minute resolution (`yyyy/MM/dd HH:mm`), rounded down: JQL reads dates in the user's zone. */
export function jqlDate(ms: number, tz: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}`;
}

const quote = (key: string): string => `"${key}"`;

/**
 * The JQL that scopes a source: the user's filter (parenthesised), projects included and excluded, and an optional
 * lower bound on `updated`. Jira refuses unbounded queries, so with nothing else `created IS NOT EMPTY`-like
 * `project IS NOT EMPTY` bounds it.
 */
export function scopeJql(config: JiraConfig, bound: string | undefined): string {
  const parts = [
    ...(config.jql?.trim() ? [`(${config.jql.trim()})`] : []),
    ...(config.projects.include.length ? [`project in (${config.projects.include.map(quote).join(', ')})`] : []),
    ...(config.projects.exclude.length ? [`project not in (${config.projects.exclude.map(quote).join(', ')})`] : []),
    ...(bound ? [bound] : []),
  ];
  return parts.length ? parts.join(' AND ') : 'project IS NOT EMPTY';
}
