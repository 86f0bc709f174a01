import type { Item } from '@tributary/sdk';
import { formatAddress, type ParsedMail } from './parse.js';
import { MAIL_STREAM } from './streams.js';

/** Where a message was seen, added to metadata by each connector (folder, flags, uid, file). */
export interface MailOrigin {
  /** Mailbox / folder / file the message lives in. */
  container?: string;
  /** Connector-specific metadata (flags, uid, path …). Not part of the content, so copies hash alike. */
  metadata?: Record<string, unknown>;
}

/** The stream every mail connector yields. */
export { MAIL_STREAM };

/**
 * Maps a parsed message to an item. Pure: the same message gives the same `externalId` and `content` whether it came
 * from IMAP, an mbox export, a Maildir or a .eml file — only `container` and origin metadata differ.
 */
export function toMailItem(mail: ParsedMail, origin: MailOrigin = {}): Item {
  const item: Item = {
    externalId: mail.messageId,
    stream: MAIL_STREAM,
    content: mailContent(mail),
    contentType: 'text',
    thread: clip(mail.thread, 1024),
    metadata: {
      messageId: mail.hasMessageId ? mail.messageId : undefined,
      from: mail.from ? formatAddress(mail.from) : undefined,
      to: mail.to.map(formatAddress),
      cc: mail.cc.map(formatAddress),
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      attachments: mail.attachments.map((a) => ({ name: a.name, type: a.type, size: a.size })),
      ...origin.metadata,
    },
  };
  if (mail.subject) item.title = clip(mail.subject, 2000);
  if (mail.from) item.author = clip(formatAddress(mail.from), 512);
  if (mail.date) item.occurredAt = mail.date;
  if (origin.container) item.container = clip(origin.container, 1024);
  return item;
}

/** The body, then the text of attachments (when extracted), each under a marker line. */
export function mailContent(mail: ParsedMail): string {
  const parts = [mail.text];
  for (const a of mail.attachments) {
    if (a.text) parts.push(`--- attachment: ${a.name ?? a.type} ---\n${a.text}`);
  }
  return parts.filter((p) => p.length > 0).join('\n\n');
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max);
}
