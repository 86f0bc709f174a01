import { TributaryError } from '@tributary/sdk';
import { fileTypeOf, type FileType } from '../files/types.js';
import { convert } from 'html-to-text';
import PostalMime, { type Address, type Attachment, type Email } from 'postal-mime';
import { decodeUtf7, hasUtf7Body, hasUtf7Words, repairEncodedWords } from './legacy-charsets.js';
import { fallbackMessageId, normalizeMessageId, parseIdList } from './message-id.js';
import { splitSimpleText } from './simple-body.js';

/** One mailbox: `name` may be empty. */
export interface MailAddress {
  name: string;
  address: string;
}

/**
 * An attachment as listed in metadata; `text` only when text extraction was asked for and the type is one the text
 * path or the file extractors read (text-like MIME types; PDF, DOCX, HTML, Markdown, code by MIME type or file name).
 */
export interface MailAttachment {
  name?: string;
  type: string;
  size: number;
  text?: string;
}

/** A parsed message, independent of where it was read from (IMAP, mbox, Maildir, .eml). */
export interface ParsedMail {
  /** Normalized Message-ID, or `sha256:…` of date+from+subject+body when the header is missing. */
  messageId: string;
  hasMessageId: boolean;
  subject?: string;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** ISO 8601 when the Date header parses. */
  date?: string;
  /** The body as plain text (HTML-only bodies converted), line endings normalized to `\n`, trailing space trimmed. */
  text: string;
  inReplyTo?: string;
  references: string[];
  /** Root of the conversation: the first References id, else In-Reply-To, else the message itself. */
  thread: string;
  attachments: MailAttachment[];
}

export interface ParseOptions {
  /** Extract the text of attachments: text-like types, and documents the file extractors read (feature `attachments`). */
  attachmentText?: boolean;
  /** Always take postal-mime's full parse (tests comparing it with the fast path). */
  fullParse?: boolean;
}

const MAX_ATTACHMENT_TEXT = 1_000_000;
/** Documents (PDF, DOCX …) read by the file extractors up to this size, as the Drive connector's default `maxFileMb`. */
export const MAX_ATTACHMENT_DOCUMENT = 10 * 1024 * 1024;
/** Document MIME types the file extractors read when the file name does not say (`application/octet-stream` does not). */
const DOCUMENT_MIME: Record<string, FileType> = {
  'application/pdf': { kind: 'pdf' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'docx' },
};
const TEXT_LIKE = /^(text\/|application\/(json|xml|csv|x-sh|javascript|x-yaml|yaml)|[a-z]+\/[a-z0-9.-]+\+(xml|json))/i;

/**
 * Parses one raw RFC 5322 message with postal-mime (charsets, encoded words, MIME trees).
 * @throws TributaryError `record_invalid` when the bytes are empty, binary, or cannot be parsed as mail
 */
export async function parseMail(raw: Uint8Array, options: ParseOptions = {}): Promise<ParsedMail> {
  if (raw.byteLength === 0) throw new TributaryError('record_invalid', 'The message is empty (0 bytes).');
  if (headerSection(raw).includes(0))
    throw new TributaryError('record_invalid', 'The message headers contain NUL bytes: not a mail message.');
  let email: Email;
  let header: Uint8Array | undefined;
  try {
    ({ email, header } = await postalParse(repairEncodedWords(raw), options.fullParse === true));
  } catch (err) {
    throw new TributaryError('record_invalid', `The message could not be parsed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const headerless = !email.headerLines.some((h) => h.line.includes(':'));
  // What the charset and Content-Type checks read: a simple message's header section (its body is plain text in a
  // charset of the fast path, so words in it such as "charset=utf-7" declare nothing), else the first 2 MB, part
  // headers included. Not the whole of a large patch mail: a copy the size of the message for a few regex tests.
  const head = new TextDecoder('latin1').decode(
    header ?? (raw.byteLength > 2_000_000 ? raw.subarray(0, 2_000_000) : raw),
  );
  let text = headerless ? new TextDecoder().decode(raw) : bodyText(email, head);
  if (hasUtf7Body(head)) text = decodeUtf7(text);
  if (hasUtf7Words(head)) utf7Headers(email);
  const from = email.from ? flatten([email.from])[0] : undefined;
  const date = email.date && !Number.isNaN(Date.parse(email.date)) ? new Date(email.date).toISOString() : undefined;
  const subject = email.subject?.trim() || undefined;
  const normalizedText = normalizeText(text);
  const ownId = normalizeMessageId(email.messageId);
  const messageId =
    ownId ?? fallbackMessageId({ date, from: from ? formatAddress(from) : undefined, subject, body: normalizedText });
  const references = parseIdList(email.references);
  const inReplyTo = parseIdList(email.inReplyTo)[0];
  return {
    messageId,
    hasMessageId: ownId !== undefined,
    subject,
    from,
    to: flatten(email.to),
    cc: flatten(email.cc),
    date,
    text: normalizedText,
    inReplyTo,
    references,
    thread: references[0] ?? inReplyTo ?? messageId,
    attachments: await Promise.all(email.attachments.map((a) => toAttachment(a, options.attachmentText === true))),
  };
}

/**
 * postal-mime's parse, through the fast path of {@link splitSimpleText} when the message allows it (then with the
 * header section the fast path split off).
 */
async function postalParse(raw: Uint8Array, full: boolean): Promise<{ email: Email; header?: Uint8Array }> {
  // Attached messages (message/rfc822) are attachments, not body: a forward's original is not the sender's text.
  const opts = { attachmentEncoding: 'arraybuffer', forceRfc822Attachments: true } as const;
  const simple = full ? undefined : splitSimpleText(raw);
  if (!simple) return { email: await PostalMime.parse(raw, opts) };
  const email = await PostalMime.parse(simple.header, opts);
  email.text = simple.text;
  return { email, header: simple.header };
}

/** The bytes before the first blank line (at most 8 KiB): binary junk there means the file is not mail. */
function headerSection(raw: Uint8Array): Uint8Array {
  const head = raw.subarray(0, 8192);
  const end = Buffer.from(head.buffer, head.byteOffset, head.byteLength).indexOf('\n\n');
  const crlf = Buffer.from(head.buffer, head.byteOffset, head.byteLength).indexOf('\r\n\r\n');
  const cut = [end, crlf].filter((i) => i >= 0);
  return cut.length ? head.subarray(0, Math.min(...cut)) : head;
}

/** `Name <address>`, or just the address. */
export function formatAddress(a: MailAddress): string {
  if (!a.address) return a.name;
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

function bodyText(email: Email, head: string): string {
  // postal-mime fills `text` from HTML with a rough converter when a message has no text/plain part; html-to-text
  // keeps links, lists and tables readable, so an HTML-only message goes through it instead.
  if (email.html && !hasPlainPart(head)) return htmlToText(email.html);
  return email.text ?? (email.html ? htmlToText(email.html) : '');
}

function utf7Headers(email: Email): void {
  if (email.subject) email.subject = decodeUtf7(email.subject);
  for (const list of [email.from ? [email.from] : [], email.to ?? [], email.cc ?? []]) {
    for (const a of list) {
      a.name = decodeUtf7(a.name);
      for (const m of a.group ?? []) m.name = decodeUtf7(m.name);
    }
  }
}

function hasPlainPart(head: string): boolean {
  if (/^content-type:\s*text\/plain/im.test(head)) return true;
  // A message without any Content-Type header is text/plain by definition (RFC 2045 §5.2).
  return !/^content-type:/im.test(head);
}

/** HTML to readable text (links kept as `text [url]`, images dropped). */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}

function normalizeText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // Control characters (NUL above all) are never meant as text and PostgreSQL refuses NUL in text columns.
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '')
      .replace(/[ \t]+$/gm, '')
      .replace(/\s+$/, '')
  );
}

function flatten(list: Address[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of list ?? []) {
    if (a.group) for (const m of a.group) out.push({ name: m.name ?? '', address: m.address ?? '' });
    else out.push({ name: a.name ?? '', address: a.address ?? '' });
  }
  return out.filter((a) => a.name || a.address);
}

async function toAttachment(a: Attachment, withText: boolean): Promise<MailAttachment> {
  const bytes = typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content);
  const out: MailAttachment = { type: a.mimeType, size: bytes.byteLength };
  if (a.filename) out.name = a.filename;
  if (!withText) return out;
  if (TEXT_LIKE.test(a.mimeType)) {
    // The text path predates the extractors and stays as it was, so existing content hashes do not move.
    if (bytes.byteLength <= MAX_ATTACHMENT_TEXT) {
      const decoded = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      out.text = normalizeText(/html/i.test(a.mimeType) ? htmlToText(decoded) : decoded);
    }
    return out;
  }
  const type = DOCUMENT_MIME[a.mimeType.toLowerCase()] ?? (a.filename ? fileTypeOf(a.filename) : undefined);
  if (!type || bytes.byteLength > MAX_ATTACHMENT_DOCUMENT) return out;
  // Loaded here, not at the top: the document extractors (mammoth, jszip, turndown) cost ~0.3 s of CPU to load,
  // which every mail sync paid even with the attachments feature off.
  const { extract } = await import('../files/extract.js');
  try {
    const text = normalizeText((await extract(Buffer.from(bytes), type)).content);
    if (text) out.text = text;
  } catch {
    // A corrupt or mislabelled file (UnreadableFile, or pdf.js failing inside a page) is listed without text: the
    // message itself is fine and must not fail with it.
  }
  return out;
}
