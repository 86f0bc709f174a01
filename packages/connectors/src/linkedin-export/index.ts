import { defineConnector, guardOf } from '@tributary/sdk';
import { findFiles, openLinkedinArchive } from './client.js';
import { linkedinExportManifest } from './manifest.js';
import { readArchive } from './read.js';

/**
 * LinkedIn's "Get a copy of your data" archive as memories: posts, comments, articles, messages, connections,
 * profile and positions. Import a newer archive to sync changes; what it no longer holds is deleted.
 */
export const linkedinExportConnector = defineConnector({
  manifest: linkedinExportManifest,
  async check(ctx) {
    try {
      const archive = await openLinkedinArchive(guardOf(ctx).check(ctx.config.archivePath, 'archivePath'));
      const streams = [...findFiles(archive.files).keys()].filter((s) => ctx.config.streams.includes(s as never));
      archive.close();
      if (!streams.length)
        return {
          ok: false,
          message: `The archive holds none of the configured streams (${ctx.config.streams.join(', ')}).`,
        };
      return { ok: true, message: `LinkedIn archive with ${streams.join(', ')}.` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
  read: (ctx) => readArchive(ctx),
});

export default linkedinExportConnector;
