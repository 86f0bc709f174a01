import { open, stat } from 'node:fs/promises';
import { defineConnector, TributaryError, type Item, type Page } from '@tributary/sdk';
import { toMailItem } from '../mail/map.js';
import { parseMail } from '../mail/parse.js';
import { StateBatch, stateKey } from '../mail/state-batch.js';
import { identify, resumeOffset, type MboxCheckpoint, type MboxFileState } from './checkpoint.js';
import { listMboxFiles } from './client.js';
import { splitMbox } from './split.js';
import { withoutProtected } from '../lib/guard.js';
import { mboxManifest } from './manifest.js';

/**
 * `mbox`: one mbox file or a folder of them, streamed (a multi-GB file is never loaded whole). One item per message
 * (external id = normalized Message-ID). Appended messages are read incrementally from a byte offset; a rewritten
 * file is read again from the start (unchanged messages are recognised by id and content hash).
 */
export const mboxConnector = defineConnector({
  manifest: mboxManifest,
  async check(ctx) {
    try {
      const s = await stat(ctx.config.path);
      if (!s.isFile() && !s.isDirectory())
        return { ok: false, message: `path "${ctx.config.path}" is neither a file nor a folder.` };
      const fh = await open(ctx.config.path, 'r');
      await fh.close();
      return { ok: true, message: `path "${ctx.config.path}" is readable.` };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ok: false, message: `path "${ctx.config.path}" does not exist: check the path.` };
      return { ok: false, message: `path "${ctx.config.path}" cannot be read: ${(err as Error).message}` };
    }
  },
  async *read(ctx) {
    const errors: Array<{ externalId?: string; message: string }> = [];
    const found = await listMboxFiles(ctx.config, errors).catch((err: unknown) => {
      throw new TributaryError(
        'invalid_config',
        `mbox path "${ctx.config.path}" cannot be read: ${(err as Error).message}`,
        { cause: err },
      );
    });
    const files = withoutProtected(ctx, ctx.config.path, found, (f) => f.abs);
    const batch = new StateBatch(ctx.state, ctx.checkpoint === undefined);
    const listed = new Set(files.map((f) => stateKey('f:', f.rel)));
    // Files read before and gone now (or no longer matched): forget them.
    for await (const [key] of batch.committed('f:')) if (!listed.has(key)) batch.remove(key);
    const checkpoint: MboxCheckpoint = { format: 'state-v1', files: files.length };
    const since = ctx.since?.getTime();
    let items = new Map<string, Item>();
    let counted = 0;
    const page = (): Page<MboxCheckpoint> => {
      const out = { items: [...items.values()], errors: errors.splice(0), state: batch.take(), checkpoint };
      items = new Map();
      counted = 0;
      return out;
    };
    for (const file of files) {
      let fh;
      try {
        fh = await open(file.abs, 'r');
      } catch (err) {
        errors.push({ message: `${file.rel}: cannot open: ${(err as Error).message}` });
        continue;
      }
      try {
        const s = await fh.stat();
        const key = stateKey('f:', file.rel);
        const start = await resumeOffset(fh, s.size, s.mtimeMs, (await batch.get(key)) as MboxFileState | undefined);
        if (start === 'skip') continue;
        const ident = await identify(fh, s.size, s.mtimeMs);
        let offset = start;
        let found = false;
        for await (const msg of splitMbox(fh, start, s.size)) {
          ctx.signal.throwIfAborted();
          found = true;
          if (!msg.complete) {
            errors.push({
              message: `${file.rel}: the message at byte ${msg.start} is incomplete (file truncated, or still being written); it is read once the file grows.`,
            });
            break;
          }
          try {
            const mail = await parseMail(msg.raw, { attachmentText: ctx.features.attachments === true });
            if (since === undefined || !mail.date || Date.parse(mail.date) >= since) {
              const item = toMailItem(mail, {
                container: file.rel,
                metadata: { file: file.rel, offset: msg.start, envelope: msg.envelope },
              });
              items.set(item.externalId, item);
            }
          } catch (err) {
            errors.push({ message: `${file.rel}: message at byte ${msg.start}: ${(err as Error).message}` });
          }
          offset = msg.end;
          // Mid-file, the file counts as `offset` bytes long, so a resume from this page reads on from there.
          batch.put(key, { ...ident, size: offset, offset } satisfies MboxFileState);
          if (++counted >= ctx.config.pageSize) yield page();
        }
        if (!found && start === 0 && s.size > 0)
          errors.push({ message: `${file.rel}: not an mbox file (no "From " envelope line found).` });
        batch.put(key, { ...ident, offset: found ? offset : s.size } satisfies MboxFileState);
      } finally {
        await fh.close();
      }
    }
    yield page();
  },
});

export default mboxConnector;
