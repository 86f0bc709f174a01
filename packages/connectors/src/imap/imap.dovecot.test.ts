import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createMemoryState, TributaryError, type MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../../../../test/dovecot/dovecot.js';
import { mboxConnector } from '../mbox/index.js';
import { splitMbox } from '../mbox/split.js';
import { testdata } from '../mail/test-support/testdata.js';
import { imapConnector } from './index.js';
import { adminClient, deliver, deliverFiles, resetAccount, synthetic } from './test-support/mailbox.js';

let server: DovecotServer;
let admin: ImapFlow;
beforeAll(async () => {
  server = await startDovecot({ alice: 'alice-password', bob: 'bob-password' });
  admin = await adminClient(server);
}, 60_000);
afterAll(async () => {
  await admin?.logout().catch(() => undefined);
  await server?.stop();
});

const config = (extra: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: server.port,
  secure: false,
  pageSize: 200,
  ...extra,
});
const credentials = { kind: 'password' as const, username: 'alice', password: 'alice-password' };

/** One run; `from` is the previous run (its checkpoint and the connector state committed with it). */
async function sync(from?: { checkpoint: unknown; state: MemoryConnectorState }) {
  const state = createMemoryState(from?.state.snapshot());
  const pages = await collectPages(
    imapConnector,
    createTestContext(imapConnector, { config: config(), credentials, checkpoint: from?.checkpoint, state }),
  );
  for (const p of pages) state.apply(p.state);
  return {
    state,
    items: pages.flatMap((p) => p.items ?? []),
    deletes: pages.flatMap((p) => p.deletes ?? []),
    errors: pages.flatMap((p) => p.errors ?? []),
    checkpoint: pages.at(-1)!.checkpoint,
  };
}

describe('imap against a real Dovecot', () => {
  it('1,000 messages in 3 folders; +10; expunge 5; move 3; recreate a folder', async () => {
    await resetAccount(admin);
    const ids = Array.from({ length: 1000 }, (_, n) => `m${n}@Test.Example`);
    await deliverFiles(
      admin,
      server,
      'alice',
      'INBOX',
      ids.slice(0, 400).map((id) => synthetic(id)),
    );
    await deliverFiles(
      admin,
      server,
      'alice',
      'Work',
      ids.slice(400, 700).map((id) => synthetic(id)),
    );
    await deliverFiles(
      admin,
      server,
      'alice',
      'Archive',
      ids.slice(700).map((id) => synthetic(id)),
    );
    const norm = (id: string): string => id.replace(/@.*$/, (d) => d.toLowerCase());
    const memory = new Map<string, string>();
    const apply = (r: Awaited<ReturnType<typeof sync>>): void => {
      for (const i of r.items) memory.set(i.externalId, String(i.container));
      for (const d of r.deletes) memory.delete(d);
    };

    const first = await sync();
    expect(first.items).toHaveLength(1000);
    expect(new Set(first.items.map((i) => i.externalId))).toEqual(new Set(ids.map(norm)));
    apply(first);

    const more = Array.from({ length: 10 }, (_, n) => `extra${n}@test.example`);
    await deliver(
      admin,
      'Work',
      more.map((id) => synthetic(id)),
    );
    const second = await sync(first);
    expect(second.items.map((i) => i.externalId).sort()).toEqual([...more].sort());
    expect(second.deletes).toEqual([]);
    apply(second);
    expect(memory.size).toBe(1010);

    await admin.mailboxOpen('INBOX');
    await admin.messageDelete('1:5'); // sequence numbers: the first five INBOX messages
    await admin.mailboxClose();
    const third = await sync(second);
    expect(third.items).toEqual([]);
    expect(third.deletes.sort()).toEqual(ids.slice(0, 5).map(norm).sort());
    apply(third);
    expect(memory.size).toBe(1005);

    await admin.mailboxOpen('Archive');
    await admin.messageMove('1:3', 'Work');
    await admin.mailboxClose();
    const fourth = await sync(third);
    expect(fourth.deletes).toEqual([]);
    expect(fourth.items.map((i) => [i.externalId, i.container]).sort()).toEqual(
      ids.slice(700, 703).map((id) => [norm(id), 'Work']),
    );
    apply(fourth);
    expect(memory.size).toBe(1005);

    // Recreate Archive: same messages, new UIDVALIDITY.
    await admin.mailboxDelete('Archive');
    await deliverFiles(
      admin,
      server,
      'alice',
      'Archive',
      ids.slice(703).map((id) => synthetic(id)),
    );
    const fifth = await sync(fourth);
    expect(fifth.deletes).toEqual([]);
    expect(fifth.items).toHaveLength(297);
    apply(fifth);
    expect(memory.size).toBe(1005);
    const sixth = await sync(fifth);
    expect(sixth.items).toEqual([]);
    expect(sixth.deletes).toEqual([]);
    // Per-folder and per-message records live in connector state; the checkpoint is a flat marker.
    expect(JSON.stringify(sixth.checkpoint).length).toBeLessThan(64);
    const state = sixth.state.snapshot();
    expect(Object.keys(state.get('F:Work') as object).sort()).toEqual(['modseq', 'uidNext', 'uidValidity']);
    expect([...state.keys()].filter((k) => k.startsWith('u:')).length).toBe(1005);
    expect([...state.keys()].filter((k) => k.startsWith('p:'))).toEqual([]);
  });

  it('maps a message read over IMAP and from an mbox export to the same id and content', async () => {
    await resetAccount(admin);
    const file = testdata('email/mbox/mimekit/issue1189.mbox.txt');
    const fh = await open(file, 'r');
    const raws: Buffer[] = [];
    for await (const m of splitMbox(fh, 0, (await fh.stat()).size)) raws.push(m.raw);
    await fh.close();
    await deliver(admin, 'INBOX', raws);
    const viaImap = (await sync()).items;
    const viaMbox = (
      await collectPages(mboxConnector, createTestContext(mboxConnector, { config: { path: file } }))
    ).flatMap((p) => p.items ?? []);
    const pick = (i: {
      externalId: string;
      content: string;
      title?: string;
      author?: string;
      occurredAt?: string;
      thread?: string;
    }) => [i.externalId, i.content, i.title, i.author, i.occurredAt, i.thread];
    expect(viaImap).toHaveLength(4);
    expect(viaImap.map(pick).sort()).toEqual(viaMbox.map(pick).sort());
  });

  it('keeps flags in metadata and re-reads a message whose flags changed (CONDSTORE)', async () => {
    await resetAccount(admin);
    await deliver(admin, 'INBOX', [synthetic('f1@test.example'), synthetic('f2@test.example')], ['\\Seen']);
    const first = await sync();
    expect(first.items.map((i) => (i.metadata as any).flags)).toEqual([['seen'], ['seen']]);
    await admin.mailboxOpen('INBOX');
    await admin.messageFlagsAdd('2', ['\\Flagged']);
    await admin.mailboxClose();
    const second = await sync(first);
    expect(second.items.map((i) => [i.externalId, (i.metadata as any).flags])).toEqual([
      ['f2@test.example', ['flagged', 'seen']],
    ]);
  });

  it('reads only recent messages on a first sync bounded by backfillDays (since)', async () => {
    await resetAccount(admin);
    await admin.append(
      'INBOX',
      Buffer.from(synthetic('old@test.example').replace(/\n/g, '\r\n')),
      [],
      new Date('2020-01-01T00:00:00Z'),
    );
    await admin.append(
      'INBOX',
      Buffer.from(synthetic('new@test.example').replace(/\n/g, '\r\n')),
      [],
      new Date('2026-03-01T00:00:00Z'),
    );
    const ctx = createTestContext(imapConnector, {
      config: config(),
      credentials,
      since: new Date('2025-01-01T00:00:00Z'),
    });
    const items = (await collectPages(imapConnector, ctx)).flatMap((p) => p.items ?? []);
    expect(items.map((i) => i.externalId)).toEqual(['new@test.example']);
  });

  it('reads a real message collection without errors', async () => {
    await resetAccount(admin);
    const eml = ['001', '002', '003', '004', '005'].map((n) =>
      readFileSync(testdata(`email/eml/stalwart-mail-parser/rfc/${n}.eml`)),
    );
    await deliver(admin, 'INBOX', eml);
    const { items, errors } = await sync();
    expect(errors).toEqual([]);
    expect(items).toHaveLength(5);
  });

  it('refuses wrong credentials clearly', async () => {
    const bad = { kind: 'password' as const, username: 'alice', password: 'wrong' };
    const ctx = createConnectorContext(imapConnector, { config: config(), credentials: bad });
    const res = await imapConnector.check(ctx);
    expect(res.ok).toBe(false);
    expect(res.message).toMatch(/login .* failed for "alice": check the username and password/);
    expect(res.message).not.toContain('wrong');
    const err = await collectPages(
      imapConnector,
      createTestContext(imapConnector, { config: config(), credentials: bad }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TributaryError);
    expect((err as TributaryError).code).toBe('auth_invalid');
    const down = await imapConnector.check(
      createConnectorContext(imapConnector, { config: config({ port: 1 }), credentials }),
    );
    expect(down).toMatchObject({ ok: false });
  });
});
