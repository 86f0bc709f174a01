import { defineConnector, isTributaryError, type ConnectorContext, type Credential } from '@tributary/sdk';
import { SlackClient, tokenOf } from './client.js';
import { withSlackFeatures, type SlackConfig } from './config.js';
import { toSlackChannel } from './map.js';
import { listConversations, readChannel, readHinted, selectedConversations, type ReadState } from './read.js';
import { handleSlackDelivery } from './webhook.js';
import { slackManifest } from './manifest.js';

export { SLACK_SCOPES } from './manifest.js';

/** A client for DMs when the credential carries a user token (`extra.userToken`, xoxp-) beside a bot token. */
function dmClientOf(ctx: ConnectorContext<SlackConfig>, credential: Credential | undefined): SlackClient | undefined {
  const userToken = credential?.extra?.userToken;
  return userToken ? new SlackClient(ctx, userToken, false) : undefined;
}

const signingSecretOf = (config: SlackConfig, credential: Credential | undefined): string | undefined =>
  config.signingSecret ?? credential?.extra?.signingSecret;

/**
 * Slack through the Web API (`@slack/web-api`): channels, private channels and DMs, thread replies grouped under
 * their parent, names resolved, edits as new versions, deletions from Events API webhooks and full refreshes.
 * Messages map exactly as in the `slack-export` connector (shared mapping), so both give the same memories.
 */
export const slackConnector = defineConnector({
  manifest: slackManifest,

  async check(ctx) {
    try {
      const client = new SlackClient(ctx, tokenOf(await ctx.credentials.get()));
      const auth = await client.call<{ team?: string; user?: string; url?: string }>('auth.test');
      return {
        ok: true,
        message: `Connected to ${auth.team ?? 'Slack'} (${auth.url ?? ''}) as ${auth.user ?? 'unknown'}`,
      };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const credential = await ctx.credentials.get();
    const client = new SlackClient(ctx, tokenOf(credential));
    const dmClient = dmClientOf(ctx, credential);
    const all = await listConversations(client, { ...ctx.config, dms: { ...ctx.config.dms, enabled: true } }, dmClient);
    return all.map((c) => {
      const ch = toSlackChannel(c);
      return {
        id: ch.id,
        name: ch.name ?? ch.user ?? ch.id,
        kind: ch.kind ?? 'channel',
        metadata: { member: c.is_member !== false, archived: c.is_archived === true },
      };
    });
  },

  async *read(given) {
    // Feature flags narrow the filters once, here: everything below reads `ctx.config.filters` only.
    const ctx = { ...given, config: withSlackFeatures(given.config, given.features) };
    if (ctx.signal.aborted) return;
    const credential = await ctx.credentials.get();
    const client = new SlackClient(ctx, tokenOf(credential));
    const dmClient = dmClientOf(ctx, credential);
    const auth = await client.call<{ url?: string }>('auth.test');
    const all = await listConversations(client, ctx.config, dmClient);
    // A full refresh starts without a checkpoint (and an empty state); a retried one gets the checkpoint it
    // committed, with its state, and resumes.
    const rs: ReadState = {
      ctx,
      client,
      ...(dmClient ? { dmClient } : {}),
      ...(auth.url ? { workspaceUrl: auth.url } : {}),
      channelsById: new Map(all.map((c) => [c.id, toSlackChannel(c)])),
      stateReady: ctx.checkpoint !== undefined,
      done: 0,
    };
    const conversations = selectedConversations(all, ctx);
    if (ctx.hints.action && conversations[0]) yield* readHinted(rs, conversations[0], ctx.hints);
    for (const channel of conversations) {
      if (ctx.signal.aborted) return;
      yield* readChannel(rs, channel);
    }
  },

  async webhook(ctx, request) {
    return handleSlackDelivery(signingSecretOf(ctx.config, await ctx.credentials.get()), request, ctx.clock.now());
  },
});

export default slackConnector;
