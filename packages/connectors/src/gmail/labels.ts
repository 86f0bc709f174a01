import { TributaryError } from '@tributary/sdk';
import type { gmail_v1 } from '@googleapis/gmail';

/**
 * The label ids the source is limited to, from names or ids as the user wrote them (case-insensitive names).
 * @throws TributaryError `invalid_config` naming the labels the mailbox does not have
 */
export function resolveLabels(wanted: string[], labels: gmail_v1.Schema$Label[]): Set<string> {
  const out = new Set<string>();
  const missing: string[] = [];
  for (const w of wanted) {
    const hit = labels.find((l) => l.id === w) ?? labels.find((l) => (l.name ?? '').toLowerCase() === w.toLowerCase());
    if (hit?.id) out.add(hit.id);
    else missing.push(w);
  }
  if (missing.length)
    throw new TributaryError('invalid_config', `Gmail has no label ${missing.map((m) => `"${m}"`).join(', ')}`, {
      issues: [{ path: 'config.labels', message: `unknown label(s): ${missing.join(', ')}` }],
    });
  return out;
}

/** A label name as Gmail's search writes it (`label:my-project`). */
const searchName = (name: string): string => name.toLowerCase().replace(/[\s/]+/g, '-');

/**
 * The `q` of a full listing: the user's query, any of the wanted labels (`{label:a label:b}`), and the date bound
 * (`after:<epoch seconds>`). https://support.google.com/mail/answer/7190
 */
export function labelQuery(
  query: string | undefined,
  labelNames: string[],
  after: number | undefined,
): string | undefined {
  const parts: string[] = [];
  if (query) parts.push(`(${query})`);
  if (labelNames.length) parts.push(`{${labelNames.map((n) => `label:${searchName(n)}`).join(' ')}}`);
  if (after !== undefined) parts.push(`after:${after}`);
  return parts.length ? parts.join(' ') : undefined;
}
