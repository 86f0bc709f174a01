import { createHash } from 'node:crypto';

/**
 * Normalizes a Message-ID so the same message read through IMAP, an mbox export or a .eml file gets the same id:
 * angle brackets and whitespace stripped, the domain part (after the last `@`) lowercased. The local part keeps its
 * case because RFC 5322 makes it case-sensitive.
 * @returns the normalized id, or undefined when the header is empty or has no usable token
 * @example normalizeMessageId(' <AbC@Example.COM> ') // 'AbC@example.com'
 */
export function normalizeMessageId(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  // A header may carry comments or several ids by mistake: take the first bracketed id, else the first token.
  const bracketed = /<([^<>]+)>/.exec(raw);
  const token = (bracketed ? bracketed[1]! : (raw.split(/\s+/).find((t) => t.length > 0) ?? ''))
    .trim()
    .replace(/\s+/g, '');
  if (!token) return undefined;
  const at = token.lastIndexOf('@');
  if (at < 0) return token;
  return token.slice(0, at) + '@' + token.slice(at + 1).toLowerCase();
}

/** Parses a References / In-Reply-To header into normalized ids, in order. */
export function parseIdList(raw: string | undefined | null): string[] {
  if (!raw) return [];
  const out: string[] = [];
  const bracketed = raw.match(/<[^<>]+>/g);
  const tokens = bracketed ?? raw.split(/[\s,]+/);
  for (const t of tokens) {
    const id = normalizeMessageId(t);
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * A stable id for a message without a Message-ID: sha256 over date, from, subject and body, so every copy of the
 * message (IMAP, mbox, .eml) hashes alike.
 */
export function fallbackMessageId(parts: { date?: string; from?: string; subject?: string; body: string }): string {
  const h = createHash('sha256');
  for (const p of [parts.date ?? '', parts.from ?? '', parts.subject ?? '', parts.body]) {
    h.update(p);
    h.update('\u0000');
  }
  return `sha256:${h.digest('hex')}`;
}
