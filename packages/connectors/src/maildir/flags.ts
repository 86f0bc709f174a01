/** Maildir info flags (https://cr.yp.to/proto/maildir.html): upper-case letters in ASCII order after `:2,`. */
const FLAG_NAMES: Record<string, string> = {
  D: 'draft',
  F: 'flagged',
  P: 'passed',
  R: 'replied',
  S: 'seen',
  T: 'trashed',
};

/** A message file name split into its unique part and its flags. */
export interface MaildirName {
  unique: string;
  /** Raw flag letters as written (`FRS`; lower-case letters are Dovecot keyword slots). */
  raw: string;
  /** Named standard flags, sorted. */
  flags: string[];
  /** Lower-case keyword letters (Dovecot maps them to names in dovecot-keywords). */
  keywords: string[];
}

/**
 * Parses `<unique>:2,<flags>`. The separator is `:` on Unix and `;` or `!` where `:` is not allowed in file names
 * (Windows clients, git checkouts); a name without info has no flags.
 * @example parseMaildirName('1234.M1P2.host,S=42:2,FS') // { unique: '1234.M1P2.host,S=42', flags: ['flagged', 'seen'] … }
 */
export function parseMaildirName(name: string): MaildirName {
  const split = splitMaildirName(name);
  return { ...split, ...flagLists(split.raw) };
}

/**
 * The unique part and the raw flag letters only: what a listing of every file needs (the named lists are built for
 * the few files a sync reads, by {@link flagLists}).
 */
export function splitMaildirName(name: string): Pick<MaildirName, 'unique' | 'raw'> {
  const m = /^(.*)[:;!]2,([^:;!]*)$/.exec(name);
  if (!m) return { unique: name, raw: '' };
  return { unique: m[1]!, raw: m[2]!.replace(/[^A-Za-z]/g, '') };
}

/** Named standard flags and keyword letters of raw flag letters, each sorted without repeats. */
export function flagLists(raw: string): Pick<MaildirName, 'flags' | 'keywords'> {
  const flags = [...new Set([...raw].filter((c) => FLAG_NAMES[c]).map((c) => FLAG_NAMES[c]!))].sort();
  const keywords = [...new Set([...raw].filter((c) => c >= 'a' && c <= 'z'))].sort();
  return { flags, keywords };
}
