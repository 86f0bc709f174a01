import { defineConnector } from '@tributary/sdk';
import { checkReadableDir } from '../mail/check-dir.js';
import { readListed, syncFiles, VANISHED } from '../mail/file-sync.js';
import { toMailItem } from '../mail/map.js';
import { parseMail } from '../mail/parse.js';
import { listEml, readEml } from './client.js';
import { withoutProtected } from '../lib/guard.js';
import { emlManifest } from './manifest.js';

/**
 * `eml`: a folder of .eml files. One item per message (external id = normalized Message-ID); a file's change
 * (mtime/size) re-reads it; a file gone becomes a delete unless another file still holds the same message.
 */
export const emlConnector = defineConnector({
  manifest: emlManifest,
  check: (ctx) => checkReadableDir(ctx.config.rootDir, 'rootDir'),
  async *read(ctx) {
    const listErrors: Array<{ message: string }> = [];
    const listed = await listEml(ctx.config, listErrors);
    const entries = withoutProtected(ctx, ctx.config.rootDir, listed, (e) => e.file.abs);
    ctx.progress({ phase: 'reading', total: entries.length });
    const since = ctx.since?.getTime();
    yield* syncFiles({
      entries,
      state: ctx.state,
      resumed: ctx.checkpoint !== undefined,
      pageSize: ctx.config.pageSize,
      signal: ctx.signal,
      listErrors,
      // A folder that could not be listed may still hold its files: none of them is taken as deleted this run.
      listingComplete: listErrors.length === 0,
      load: async (entry) => {
        const raw = await readListed(() => readEml(entry));
        if (raw === VANISHED) return VANISHED;
        const mail = await parseMail(raw, { attachmentText: ctx.features.attachments === true });
        const when = mail.date ? Date.parse(mail.date) : entry.file.stats.mtimeMs;
        if (since !== undefined && when < since) return undefined;
        const folder = entry.key.includes('/') ? entry.key.slice(0, entry.key.lastIndexOf('/')) : '.';
        return toMailItem(mail, { container: folder, metadata: { file: entry.key } });
      },
    });
  },
});

export default emlConnector;
