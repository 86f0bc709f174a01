import { defineConnector, isTributaryError } from '@tributary/sdk';
import { NotionClient } from './client.js';
import { notionManifest } from './manifest.js';
import { titleOfDataSource, titleOfPage, type ApiDataSource, type ApiPage } from './map.js';
import { readNotion } from './read.js';

interface SearchPage {
  results: Array<ApiPage | ApiDataSource>;
  next_cursor: string | null;
  has_more: boolean;
}

/**
 * Notion through the official `@notionhq/client` (API 2025-09-03, data sources): the pages, data sources and rows
 * shared with the integration, each page's block tree as Markdown, rows with their properties as a table.
 * Incremental by `last_edited_time`; trashed and un-shared pages are deleted by a periodic reconciliation.
 */
export const notionConnector = defineConnector({
  manifest: notionManifest,

  async check(ctx) {
    try {
      const client = new NotionClient(ctx, await ctx.credentials.get());
      const me = (await client.call('Checking the token', (api) => api.users.me({}))) as { name?: string | null };
      const found = (await client.call('Searching shared pages', (api) =>
        api.search({ page_size: 1 }),
      )) as unknown as SearchPage;
      const shared = found.results.length
        ? 'pages are shared with it'
        : 'nothing is shared with it yet (share pages via … → Connections)';
      return { ok: true, message: `Connected as integration "${me.name ?? 'unnamed'}"; ${shared}` };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const client = new NotionClient(ctx, await ctx.credentials.get());
    const out = [];
    let cursor: string | undefined;
    // Top-level pages and data sources only: pickers show where things live, not every row.
    do {
      const res = (await client.call('Searching shared pages', (api) =>
        api.search({ page_size: 100, ...(cursor ? { start_cursor: cursor } : {}) }),
      )) as unknown as SearchPage;
      for (const r of res.results) {
        if (r.object === 'data_source')
          out.push({ id: r.id, name: titleOfDataSource(r), kind: 'data-source', metadata: { url: r.url ?? null } });
        else if (r.parent.type === 'workspace')
          out.push({ id: r.id, name: titleOfPage(r), kind: 'page', metadata: { url: r.url ?? null } });
      }
      cursor = res.has_more ? (res.next_cursor ?? undefined) : undefined;
    } while (cursor);
    return out;
  },

  read: readNotion,
});

export default notionConnector;
