import { stat } from 'node:fs/promises';
import { defineConnector } from '@tributary/sdk';
import { checkReadableDir } from '../mail/check-dir.js';
import { syncFiles } from '../mail/file-sync.js';
import { toMailItem } from '../mail/map.js';
import { parseMail } from '../mail/parse.js';
import { listFolders, listMessages, readMessage, selectFolders } from './client.js';
import { flagLists } from './flags.js';
import { folderStamps, recordStamps, unchangedSince } from './dir-stamps.js';
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
    const entries = withoutProtected(ctx, ctx.config.rootDir, listed, (e) => e.abs);
    ctx.progress({ phase: 'reading', total: entries.length });
    const since = ctx.since?.getTime();
    const trusted = listErrors.length === 0;
    yield* syncFiles({
      entries,
      state: ctx.state,
      resumed,
      pageSize: ctx.config.pageSize,
      signal: ctx.signal,
      listErrors,
      load: async (entry) => {
        const mail = await parseMail(await readMessage(entry), { attachmentText: ctx.features.attachments === true });
        if (since !== undefined && (mail.date ? Date.parse(mail.date) : (await stat(entry.abs)).mtimeMs) < since)
          return undefined;
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
      finalState: () => recordStamps(ctx.state, resumed, stamps, trusted),
    });
  },
});

export default maildirConnector;
