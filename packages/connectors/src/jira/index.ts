import { defineConnector, isTributaryError, type Credential } from '@tributary/sdk';
import { JiraClient } from './client.js';
import type { JiraConfig } from './config.js';
import { jiraManifest } from './manifest.js';
import { readJira } from './read.js';
import { handleJiraDelivery } from './webhook.js';

const webhookSecretOf = (config: JiraConfig, credential: Credential | undefined): string | undefined =>
  config.webhookSecret ?? credential?.extra?.webhookSecret;

/**
 * Jira Cloud through REST v3 on the SDK's HTTP helper: issues from the enhanced JQL search (`/search/jql`,
 * `nextPageToken`) with a user filter and projects included/excluded, descriptions and comments from ADF to
 * Markdown, changelog entries as metadata. Incremental on `updated` (the user's time zone, with overlap); deleted
 * issues from verified webhooks and a periodic id reconciliation.
 */
export const jiraConnector = defineConnector({
  manifest: jiraManifest,

  async check(ctx) {
    try {
      const client = new JiraClient(ctx, await ctx.credentials.get());
      const site = await client.resolveSite();
      const me = await client.get<{ displayName?: string; timeZone?: string }>('/rest/api/3/myself');
      return {
        ok: true,
        message: `Signed in to ${site.siteUrl} as ${me.displayName ?? 'unknown'} (JQL dates in ${ctx.config.timeZone ?? me.timeZone ?? 'UTC'})`,
      };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const client = new JiraClient(ctx, await ctx.credentials.get());
    const out = [];
    for (let startAt = 0; ;) {
      const res = await client.get<{ values?: Array<{ id: string; key: string; name: string }>; isLast?: boolean }>(
        '/rest/api/3/project/search',
        { startAt, maxResults: 50 },
      );
      const values = res.values ?? [];
      out.push(
        ...values.map((p) => ({ id: p.key, name: `${p.key} — ${p.name}`, kind: 'project', metadata: { id: p.id } })),
      );
      startAt += values.length;
      if (res.isLast !== false || !values.length) return out;
    }
  },

  read: readJira,

  async webhook(ctx, request) {
    return handleJiraDelivery(webhookSecretOf(ctx.config, await ctx.credentials.get()), request);
  },
});

export default jiraConnector;
