import { defineConnector } from '@tributary/sdk';
import type { ImapFlow } from 'imapflow';
import { IdRefs, StateBatch } from '../mail/state-batch.js';
import { folderKey } from './checkpoint.js';
import { connect, displayPath, listFolders, resolveLogin, toImapError } from './client.js';
import { forgetFolder, syncFolder, type RunState } from './folder-sync.js';
import { watchImap } from './watch.js';
import { imapManifest } from './manifest.js';

/**
 * `imap`: mail from any IMAP server (imapflow). One item per message, external id = normalized Message-ID, so a
 * message moved between folders, or a folder recreated under a new UIDVALIDITY, stays one memory. Incremental per
 * folder by UID (and CONDSTORE modseq for flag changes); expunged messages become deletes unless the same message is
 * still in another synced folder.
 */
export const imapConnector = defineConnector({
  manifest: imapManifest,
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
      const batch = new StateBatch(ctx.state, ctx.checkpoint === undefined);
      const run: RunState = {
        batch,
        refs: new IdRefs(batch),
        checkpoint: { format: 'state-v1', folders: folders.length },
      };
      // Folders read before but deleted or no longer selected: their messages may become deletes.
      const selected = new Set(folders.map((f) => folderKey(f.path)));
      const dropped: string[] = [];
      for await (const [key] of batch.committed('F:')) if (!selected.has(key)) dropped.push(key.slice(2));
      for (const path of dropped) await forgetFolder(run, path);
      for (const box of folders) {
        ctx.progress({ phase: displayPath(box) });
        try {
          yield* syncFolder(client, box, run, ctx, condstore);
        } catch (err) {
          ctx.signal.throwIfAborted();
          throw toImapError(err, ctx.config, user);
        }
      }
      const deletes = await run.refs.settle();
      yield { items: [], deletes, state: batch.take(), checkpoint: run.checkpoint };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await client.logout().catch(() => client.close());
    }
  },
  watch: (ctx, onChange) => watchImap(ctx, onChange),
});

export default imapConnector;
