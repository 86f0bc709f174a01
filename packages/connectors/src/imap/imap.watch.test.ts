import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { createMemoryState, TributaryError, type MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import type { ImapFlow, ListResponse } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDovecot, type DovecotServer } from '../../../../test/dovecot/dovecot.js';
import { ImapConfigSchema } from './config.js';
import { imapConnector } from './index.js';
import { adminClient, deliver, resetAccount, synthetic } from './test-support/mailbox.js';
import { chooseWatched, MAX_WATCHED_FOLDERS } from './watch.js';

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

const credentials = { kind: 'password' as const, username: 'alice', password: 'alice-password' };
const config = (extra: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: server.port,
  secure: false,
  ...extra,
});
const WAIT = { timeout: 30_000, interval: 25 };

/** Starts `watch` with the realtime feature on; records every onChange call and the context's logs. */
function startWatch(extra: Record<string, unknown> = {}, features: Record<string, boolean> = { realtime: true }) {
  const abort = new AbortController();
  const ctx = createConnectorContext(imapConnector, {
    config: config(extra),
    credentials,
    features,
    signal: abort.signal,
  });
  const changes: Array<Record<string, unknown> | undefined> = [];
  const done = imapConnector.watch!(ctx, (hints) => changes.push(hints));
  // Idling folders, as the watcher logs them once a folder is open and IDLE is about to start.
  const idling = (folder: string): number =>
    ctx.logs.filter((l) => l.message === 'imap watch: idling' && l.fields.folder === folder).length;
  return { abort, ctx, changes, done, idling };
}

/** One run; `from` is the previous run (its checkpoint and the connector state committed with it). */
async function sync(from?: { checkpoint: unknown; state: MemoryConnectorState }) {
  const state = createMemoryState(from?.state.snapshot());
  const pages = await collectPages(
    imapConnector,
    createTestContext(imapConnector, { config: config(), credentials, checkpoint: from?.checkpoint, state }),
  );
  for (const p of pages) state.apply(p.state);
  return { items: pages.flatMap((p) => p.items ?? []), checkpoint: pages.at(-1)!.checkpoint, state };
}

/** A TCP relay in front of Dovecot whose connections a test can cut, as a network failure would. */
async function startRelay(): Promise<{
  port: number;
  open: () => number;
  cut: () => void;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const relay: Server = createServer((client) => {
    const upstream = tcpConnect(server.port, server.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as { port: number }).port,
    open: () => sockets.size,
    cut: () => sockets.forEach((s) => s.destroy()),
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

describe('imap watch (IDLE) against a real Dovecot', () => {
  it('notices a message APPENDed to INBOX; an incremental read then yields exactly that message', async () => {
    await resetAccount(admin);
    await deliver(admin, 'INBOX', [synthetic('before@test.example')]);
    const first = await sync();
    expect(first.items.map((i) => i.externalId)).toEqual(['before@test.example']);

    const w = startWatch();
    await vi.waitFor(() => expect(w.idling('INBOX')).toBe(1), WAIT);
    expect(w.changes).toEqual([]);
    await deliver(admin, 'INBOX', [synthetic('pushed@test.example')]);
    await vi.waitFor(() => expect(w.changes).toContainEqual({ folder: 'INBOX' }), WAIT);

    const second = await sync(first);
    expect(second.items.map((i) => i.externalId)).toEqual(['pushed@test.example']);
    w.abort.abort();
    await expect(w.done).resolves.toBeUndefined();
  }, 60_000);

  it('watches each configured folder on its own connection and names the folder in the hint', async () => {
    await resetAccount(admin);
    await deliver(admin, 'Work', [synthetic('w0@test.example')]);
    const w = startWatch({ includeFolders: ['INBOX', 'Work'] });
    await vi.waitFor(() => expect([w.idling('INBOX'), w.idling('Work')]).toEqual([1, 1]), WAIT);
    await deliver(admin, 'Work', [synthetic('w1@test.example')]);
    await vi.waitFor(() => expect(w.changes).toContainEqual({ folder: 'Work' }), WAIT);
    expect(w.changes.every((h) => h?.folder === 'Work')).toBe(true);
    // Expunges are changes too.
    await admin.mailboxOpen('Work');
    await admin.messageDelete('1:*', { uid: true });
    await admin.mailboxClose();
    const before = w.changes.length;
    await vi.waitFor(() => expect(w.changes.length).toBeGreaterThan(before), WAIT);
    w.abort.abort();
    await expect(w.done).resolves.toBeUndefined();
  }, 60_000);

  it('reconnects after the connection drops, reports a change then, and closes its connection on abort', async () => {
    await resetAccount(admin);
    const relay = await startRelay();
    try {
      const w = startWatch({ port: relay.port });
      await vi.waitFor(() => expect(w.idling('INBOX')).toBe(1), WAIT);
      expect(relay.open()).toBeGreaterThan(0);
      relay.cut();
      // Changes during the gap would be missed: the watcher asks for a sync once it is back.
      await vi.waitFor(() => expect(w.idling('INBOX')).toBe(2), WAIT);
      await vi.waitFor(() => expect(w.changes).toEqual([{ folder: 'INBOX' }]), WAIT);
      expect(w.ctx.logs.some((l) => l.message === 'imap watch: connection lost; reconnecting')).toBe(true);
      await deliver(admin, 'INBOX', [synthetic('after-drop@test.example')]);
      await vi.waitFor(() => expect(w.changes.length).toBeGreaterThanOrEqual(2), WAIT);
      w.abort.abort();
      await expect(w.done).resolves.toBeUndefined();
      await vi.waitFor(() => expect(relay.open()).toBe(0), WAIT);
    } finally {
      await relay.close();
    }
  }, 60_000);

  it('resolves promptly when aborted before any change, while idling or still connecting', async () => {
    const idle = startWatch();
    await vi.waitFor(() => expect(idle.idling('INBOX')).toBe(1), WAIT);
    idle.abort.abort();
    await expect(idle.done).resolves.toBeUndefined();
    expect(idle.changes).toEqual([]);

    const early = startWatch();
    early.abort.abort();
    await expect(early.done).resolves.toBeUndefined();
    expect(early.changes).toEqual([]);
  }, 60_000);

  it('keeps retrying an unreachable server until aborted', async () => {
    const relay = await startRelay();
    await relay.close(); // nothing listens on that port any more
    const w = startWatch({ port: relay.port });
    await vi.waitFor(
      () =>
        expect(
          w.ctx.logs.filter((l) => l.message === 'imap watch: cannot list folders; retrying').length,
        ).toBeGreaterThanOrEqual(1),
      WAIT,
    );
    w.abort.abort();
    await expect(w.done).resolves.toBeUndefined();
  }, 60_000);

  it('does nothing when the realtime feature is off, and refuses a wrong password', async () => {
    const off = startWatch({}, {});
    await expect(off.done).resolves.toBeUndefined();
    expect(off.ctx.logs.filter((l) => l.message.startsWith('imap watch'))).toEqual([]);

    const ctx = createConnectorContext(imapConnector, {
      config: config(),
      credentials: { ...credentials, password: 'wrong' },
      features: { realtime: true },
    });
    const err = await imapConnector.watch!(ctx, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TributaryError);
    expect((err as TributaryError).code).toBe('auth_invalid');
  }, 60_000);
});

describe('chooseWatched', () => {
  const box = (path: string) => ({ path, delimiter: '.', flags: new Set<string>() }) as unknown as ListResponse;
  const boxes = ['Archive', 'INBOX', 'Lists.a', 'Lists.b', 'Sent', 'Work'].map(box);

  it('watches INBOX only when every folder is selected', () => {
    const { watched, skipped } = chooseWatched(boxes, ImapConfigSchema.parse({ host: 'h' }));
    expect(watched).toEqual([{ path: 'INBOX', name: 'INBOX' }]);
    expect(skipped).toHaveLength(5);
  });

  it(`watches configured folders, INBOX first, at most ${MAX_WATCHED_FOLDERS}`, () => {
    const cfg = ImapConfigSchema.parse({ host: 'h', includeFolders: ['*', 'Lists/*'] });
    const { watched, skipped } = chooseWatched(boxes, cfg);
    expect(watched.map((f) => f.name)).toEqual(['INBOX', 'Archive', 'Lists/a', 'Lists/b', 'Sent']);
    expect(skipped).toEqual(['Work']);
  });
});
