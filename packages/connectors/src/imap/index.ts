import { defineConnector } from '@tributary/sdk';
import type { ImapFlow } from 'imapflow';
import { MAIL_STREAM } from '../mail/map.js';
import { ImapCheckpointSchema } from './checkpoint.js';
import { connect, displayPath, listFolders, resolveLogin, toImapError } from './client.js';
import { ImapConfigSchema } from './config.js';
import { snapshot, syncFolder, type RunState } from './folder-sync.js';
import { watchImap } from './watch.js';

/**
 * `imap`: mail from any IMAP server (imapflow). One item per message, external id = normalized Message-ID, so a
 * message moved between folders, or a folder recreated under a new UIDVALIDITY, stays one memory. Incremental per
 * folder by UID (and CONDSTORE modseq for flag changes); expunged messages become deletes unless the same message is
 * still in another synced folder.
 */
export const imapConnector = defineConnector({
  manifest: {
    name: 'imap',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'IMAP mail',
    description:
      'Mail from an IMAP server (Dovecot, Fastmail, Gmail with an app password, Exchange/Outlook.com, iCloud …).',
    auth: { type: 'password', description: 'The IMAP login name and password (or app password).' },
    config: ImapConfigSchema,
    checkpoint: ImapCheckpointSchema,
    features: {
      attachments: { default: false, description: 'Extract the text of text-like attachments into the content.' },
      realtime: {
        default: false,
        description: 'Watch folders with IMAP IDLE (INBOX, or up to 5 configured folders) and sync on each change.',
      },
    },
    streams: [MAIL_STREAM],
    capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
    kind: 'cloud',
  },
  async check(ctx) {
    let client: ImapFlow | undefined;
    try {
      client = await connect(ctx.config, ctx.credentials);
      const folders = await listFolders(client, ctx.config);
      return { ok: true, message: `Logged in to ${ctx.config.host}; ${folders.length} folder(s) selected.` };
    } catch (err) {
      const user = await resolveLogin(ctx.config, ctx.credentials).then(
        (l) => l.user,
        () => ctx.config.user ?? '',
      );
      return { ok: false, message: toImapError(err, ctx.config, user).message };
    } finally {
      await client?.logout().catch(() => client?.close());
    }
  },
  async discover(ctx) {
    const client = await connect(ctx.config, ctx.credentials);
    try {
      return (await listFolders(client, ctx.config)).map((b) => ({
        id: b.path,
        name: displayPath(b),
        kind: 'folder',
        metadata: { specialUse: b.specialUse },
      }));
    } finally {
      await client.logout().catch(() => client.close());
    }
  },
  async *read(ctx) {
    const { user } = await resolveLogin(ctx.config, ctx.credentials);
    const client = await connect(ctx.config, ctx.credentials);
    const onAbort = (): void => client.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const folders = await listFolders(client, ctx.config).catch((err: unknown) => {
        throw toImapError(err, ctx.config, user);
      });
      const condstore = client.capabilities.has('CONDSTORE');
      const run: RunState = { folders: {}, pending: new Set(ctx.checkpoint?.pending ?? []) };
      const selected = new Set(folders.map((f) => f.path));
      for (const [path, state] of Object.entries(ctx.checkpoint?.folders ?? {})) {
        if (selected.has(path)) run.folders[path] = state;
        else for (const id of state.ids) if (id) run.pending.add(id); // folder deleted or no longer selected
      }
      for (const box of folders) {
        ctx.progress({ phase: displayPath(box) });
        try {
          yield* syncFolder(client, box, run, ctx, condstore);
        } catch (err) {
          ctx.signal.throwIfAborted();
          throw toImapError(err, ctx.config, user);
        }
      }
      const live = new Set(Object.values(run.folders).flatMap((f) => f.ids));
      const deletes = [...run.pending].filter((id) => !live.has(id));
      run.pending.clear();
      yield { items: [], deletes, checkpoint: snapshot(run) };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await client.logout().catch(() => client.close());
    }
  },
  watch: (ctx, onChange) => watchImap(ctx, onChange),
});

export default imapConnector;
