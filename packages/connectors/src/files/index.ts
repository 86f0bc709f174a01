import { defineConnector } from '@tributary/sdk';
import { globMatcher, openRoot, walkRoot } from './client.js';
import { readFiles } from './read.js';
import { filesManifest } from './manifest.js';

/**
 * The `files` connector: the documents of a local folder — text, Markdown, code, HTML, PDF and DOCX — one item per
 * file. Incremental by mtime and size (then content hash); deleted files are reported.
 */
export const filesConnector = defineConnector({
  manifest: filesManifest,

  /**
   * Checks that rootDir is a folder and that the globs stay inside it.
   * @throws TributaryError `invalid_config` (rootDir missing or a file), `path_outside_root` (a glob with `..`)
   */
  async check(ctx) {
    const root = await openRoot(ctx.config.rootDir);
    if (ctx.config.include.length) globMatcher(ctx.config.include, 'include');
    globMatcher(ctx.config.exclude, 'exclude');
    return { ok: true, message: `Folder "${root}" is readable.` };
  },

  async discover(ctx) {
    const root = await openRoot(ctx.config.rootDir);
    const excluded = globMatcher(ctx.config.exclude, 'exclude');
    const folders = new Map<string, number>();
    const walk = walkRoot(root, {
      excluded,
      followSymlinks: ctx.config.followSymlinks,
      onOutside: () => undefined,
      signal: ctx.signal,
    });
    for await (const f of walk) {
      const top = f.rel.includes('/') ? f.rel.slice(0, f.rel.indexOf('/')) : '';
      folders.set(top, (folders.get(top) ?? 0) + 1);
    }
    return [...folders.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([dir, count]) => ({
        id: dir || '.',
        name: dir || '(top level)',
        kind: 'folder',
        metadata: { files: count },
      }));
  },

  read: readFiles,
});

export default filesConnector;
