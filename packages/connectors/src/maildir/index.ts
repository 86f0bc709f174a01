import { stat } from 'node:fs/promises';
import { defineConnector } from '@tributary/sdk';
import { checkReadableDir } from '../mail/check-dir.js';
import { readListed, syncFiles, VANISHED } from '../mail/file-sync.js';
import { toMailItem } from '../mail/map.js';
import { parseMail } from '../mail/parse.js';
import { listFolders, listMessages, readMessage, selectFolders } from './client.js';
import { flagLists } from './flags.js';
import { changedWhileListed, folderStamps, recordStamps, unchangedSince } from './dir-stamps.js';
import { withoutProtected } from '../lib/guard.js';
import { maildirManifest } from './manifest.js';

/**
 * `maildir`: a Maildir / Maildir++ tree. One item per message (external id = normalized Message-ID) with its folder
 * as container and its flags (`:2,FRS`) in metadata; a flag change or a move re-reads the message; a message gone
 * from every folder becomes a delete.
 */
export const maildirConnector = defineConnector({
  manifest: maildirManifest,
  check: (ctx) => checkReadableDir(ctx.config.rootDir, 'rootDir'),
  async discover(ctx) {
    const folders = await listFolders(ctx.config.rootDir, () => undefined);
    return folders.map((f) => ({ id: f.name, name: f.name, kind: 'folder' }));
  },
  async *read(ctx) {
    const listErrors: Array<{ message: string }> = [];
    const resumed = ctx.checkpoint !== undefined;
    const folders = await selectFolders(ctx.config, listErrors);
    const stamps = await folderStamps(folders);
    if (resumed && !listErrors.length && (await unchangedSince(ctx.state, stamps))) {
      // No folder changed since the last complete run: nothing to list, read or write.
      yield { items: [], checkpoint: ctx.checkpoint! };
      return;
    }
    const listed = await listMessages(ctx.config, listErrors, folders);
    // A folder that could not be listed, or changed while it was, may hide files that are there: none is taken as
    // gone this run (the stamps are not recorded either, so the next run lists again and settles them).
    const complete = listErrors.length === 0 && !changedWhileListed(stamps, await folderStamps(folders));
    const entries = withoutProtected(ctx, ctx.config.rootDir, listed, (e) => e.abs);
    ctx.progress({ phase: 'reading', total: entries.length });
    const since = ctx.since?.getTime();
    yield* syncFiles({
      entries,
      state: ctx.state,
      resumed,
      pageSize: ctx.config.pageSize,
      signal: ctx.signal,
      listErrors,
      listingComplete: complete,
      load: async (entry) => {
        const raw = await readListed(() => readMessage(entry));
        if (raw === VANISHED) return VANISHED;
        const mail = await parseMail(raw, { attachmentText: ctx.features.attachments === true });
        if (since !== undefined) {
          const when = mail.date
            ? Date.parse(mail.date)
            : await readListed(async () => (await stat(entry.abs)).mtimeMs);
          if (when === VANISHED) return VANISHED;
          if (when < since) return undefined;
        }
        return toMailItem(mail, {
          container: entry.folder,
          metadata: {
            folder: entry.folder,
            ...flagLists(entry.name.raw),
            maildirFlags: entry.name.raw,
            file: entry.rel,
          },
        });
      },
      // The stamps go with the run's last page: only a complete run may vouch that nothing changed since.
      // A file gone between the listing and its read means the folder moved on: list it again next run.
      finalState: ({ vanished }) => recordStamps(ctx.state, resumed, stamps, complete && vanished === 0),
    });
  },
});

export default maildirConnector;
