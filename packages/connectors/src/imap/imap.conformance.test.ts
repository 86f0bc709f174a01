import { readdirSync, readFileSync } from 'node:fs';
import { testConnector } from '@tributary/sdk/testing';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll } from 'vitest';
import { startDovecot, type DovecotServer } from '../../../../test/dovecot/dovecot.js';
import { testdata } from '../mail/test-support/testdata.js';
import { imapConnector } from './index.js';
import { adminClient, deliver, resetAccount, synthetic } from './test-support/mailbox.js';

let server: DovecotServer;
let admin: ImapFlow;
beforeAll(async () => {
  server = await startDovecot({ alice: 'alice-password' });
  admin = await adminClient(server);
}, 60_000);
afterAll(async () => {
  await admin?.logout().catch(() => undefined);
  await server?.stop();
});

/** Real messages: stalwart's RFC and third-party samples, delivered over IMAP APPEND. */
const realMessages = (dir: string): Buffer[] =>
  readdirSync(testdata('email/eml/stalwart-mail-parser', dir))
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => readFileSync(testdata('email/eml/stalwart-mail-parser', dir, f)));

async function uidOf(folder: string, messageId: string): Promise<number> {
  await admin.mailboxOpen(folder);
  const uids = (await admin.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
  if (uids.length !== 1) throw new Error(`expected one message ${messageId} in ${folder}, found ${uids.length}`);
  return uids[0]!;
}

const base = () => ({ host: '127.0.0.1', port: server.port, secure: false, pageSize: 8 });

testConnector(imapConnector, {
  get config() {
    return base();
  },
  credentials: { kind: 'password', username: 'alice', password: 'alice-password' },
  get badSetups() {
    return [
      { name: 'wrong password', credentials: { kind: 'password' as const, username: 'alice', password: 'nope' } },
      { name: 'unknown user', credentials: { kind: 'password' as const, username: 'mallory', password: 'x' } },
      { name: 'nothing listening', config: { ...base(), port: 1 } },
    ];
  },
  async setup() {
    await resetAccount(admin);
    await deliver(admin, 'INBOX', [
      ...realMessages('rfc'),
      synthetic('mutable@test.example'),
      synthetic('doomed@test.example'),
    ]);
    await deliver(admin, 'Lists', realMessages('thirdparty'));
  },
  async mutate() {
    await deliver(admin, 'Lists', [synthetic('added@test.example')]);
    const mutable = await uidOf('INBOX', 'mutable@test.example');
    await admin.messageFlagsAdd(String(mutable), ['\\Flagged'], { uid: true });
    const doomed = await uidOf('INBOX', 'doomed@test.example');
    await admin.messageDelete(String(doomed), { uid: true });
    await admin.mailboxClose();
    return { added: ['added@test.example'], changed: ['mutable@test.example'], deleted: ['doomed@test.example'] };
  },
});
