import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { DovecotServer } from '../../../../../test/dovecot/dovecot.js';

/** An imapflow client logged in to the test server as `user`, for delivering and changing mail in tests. */
export async function adminClient(server: DovecotServer, user = 'alice'): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user, pass: server.users[user]! },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Empties the account: every folder but INBOX deleted, INBOX expunged. */
export async function resetAccount(client: ImapFlow): Promise<void> {
  for (const box of (await client.list()).sort((a, b) => b.path.length - a.path.length)) {
    if (box.path !== 'INBOX') await client.mailboxDelete(box.path);
  }
  await client.mailboxOpen('INBOX');
  await client.messageDelete('1:*', { uid: true }).catch(() => undefined);
  await client.mailboxClose();
}

/** Appends raw messages to a folder (created when missing), with CRLF line ends as IMAP requires. */
export async function deliver(
  client: ImapFlow,
  folder: string,
  messages: Array<string | Uint8Array>,
  flags: string[] = [],
): Promise<void> {
  if (folder !== 'INBOX' && !(await client.list()).some((b) => b.path === folder)) await client.mailboxCreate(folder);
  for (const m of messages) {
    const text = typeof m === 'string' ? m : Buffer.from(m).toString('latin1');
    await client.append(folder, Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1'), flags);
  }
}

/** A small synthetic message with a known Message-ID. */
export function synthetic(id: string, subject = id, body = `Body of ${id}.`): string {
  return `From: Tester <tester@example.org>\nTo: alice@example.org\nSubject: ${subject}\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nMessage-ID: <${id}>\n\n${body}\n`;
}

/**
 * Delivers many messages fast by writing them into the folder's Maildir `new/` (as an MDA would); Dovecot assigns
 * UIDs when the folder is next opened. The folder is created over IMAP first so Dovecot knows it.
 */
export async function deliverFiles(
  client: ImapFlow,
  server: DovecotServer,
  user: string,
  folder: string,
  messages: string[],
): Promise<void> {
  if (folder !== 'INBOX' && !(await client.list()).some((b) => b.path === folder)) await client.mailboxCreate(folder);
  const dir = path.join(server.maildir(user, folder), 'new');
  mkdirSync(dir, { recursive: true });
  messages.forEach((m, n) => {
    const file = path.join(dir, `1700000000.M${n}P${process.pid}.tributary-${folder}-${Date.now()}`);
    writeFileSync(file, m);
    chownSync(file, server.owner.uid, server.owner.gid);
  });
}
