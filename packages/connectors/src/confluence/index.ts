import { defineConnector, isTributaryError } from '@tributary/sdk';
import { AtlassianClient } from '../lib/atlassian/client.js';
import { confluenceManifest } from './manifest.js';
import { readConfluence, resolveSpaces } from './read.js';

/**
 * Confluence Cloud through REST v2 on the SDK's HTTP helper: pages and blog posts of the selected spaces (bodies in
 * ADF or storage format, to Markdown), the page tree as container and metadata, missed versions as memory versions,
 * footer and inline comments as their own items in the page's thread. Incremental by last modification with
 * overlap; trashed and deleted content is removed by a periodic reconciliation.
 */
export const confluenceConnector = defineConnector({
  manifest: confluenceManifest,

  async check(ctx) {
    try {
      const client = new AtlassianClient(ctx, await ctx.credentials.get(), 'confluence');
      const site = await client.resolveSite();
      const spaces = await resolveSpaces(client, ctx.config);
      const missing = ctx.config.spaces.include.filter((k) => !spaces.some((s) => s.key === k));
      if (missing.length)
        return { ok: false, message: `not_found: spaces not found or not visible: ${missing.join(', ')}` };
      return {
        ok: true,
        message: `Connected to ${site.siteUrl}; ${spaces.length} space${spaces.length === 1 ? '' : 's'} to read`,
      };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const client = new AtlassianClient(ctx, await ctx.credentials.get(), 'confluence');
    const spaces = await resolveSpaces(client, { ...ctx.config, spaces: { include: [], exclude: [] } });
    return spaces.map((s) => ({ id: s.key, name: `${s.key} — ${s.name}`, kind: 'space', metadata: { id: s.id } }));
  },

  read: readConfluence,
});

export default confluenceConnector;
