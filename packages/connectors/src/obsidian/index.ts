import { defineConnector } from '@tributary/sdk';
import { readVault } from './read.js';
import { ignoreMatcher, openVault, walkVault } from './client.js';
import { obsidianManifest } from './manifest.js';

/**
 * The `obsidian` connector: the notes of a vault, with front matter, tags, wikilinks and embeds. Incremental by
 * mtime and size (then content hash); renames keep their memory; deleted notes are reported.
 */
export const obsidianConnector = defineConnector({
  manifest: obsidianManifest,

  /**
   * Checks that the vault folder exists and counts its notes.
   * @throws TributaryError `invalid_config` when vaultPath is missing or not a folder; `path_outside_root` when an
   *   ignore entry leaves the vault
   */
  async check(ctx) {
    const root = await openVault(ctx.config.vaultPath);
    const ignored = ignoreMatcher(ctx.config.ignore);
    let notes = 0;
    for await (const f of walkVault(root, ignored, () => undefined, ctx.signal))
      if (f.rel.toLowerCase().endsWith('.md')) notes++;
    return { ok: true, message: `Vault "${root}": ${notes} note${notes === 1 ? '' : 's'}` };
  },

  async discover(ctx) {
    const root = await openVault(ctx.config.vaultPath);
    const ignored = ignoreMatcher(ctx.config.ignore);
    const folders = new Map<string, number>();
    for await (const f of walkVault(root, ignored, () => undefined, ctx.signal)) {
      if (!f.rel.toLowerCase().endsWith('.md')) continue;
      const dir = f.rel.includes('/') ? f.rel.slice(0, f.rel.lastIndexOf('/')) : '';
      folders.set(dir, (folders.get(dir) ?? 0) + 1);
    }
    return [...folders.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([dir, count]) => ({
        id: dir || '/',
        name: dir || '(vault root)',
        kind: 'folder',
        metadata: { notes: count },
      }));
  },

  read: readVault,
});

export default obsidianConnector;
