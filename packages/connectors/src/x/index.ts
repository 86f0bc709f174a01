import { defineConnector } from '@tributary/sdk';
import { tokenOf, XClient } from './client.js';
import { X_FEATURE_SCOPES } from './config.js';
import { xManifest } from './manifest.js';
import { readX, streamsOf } from './read.js';

/**
 * X (Twitter) API v2: the account's posts (edits folded into one memory per post, note posts in full, threads by
 * conversation), and by feature its mentions, bookmarks and likes. Rate limits per 15-minute window from X's
 * headers through the source's shared limiter; a monthly post-read cap per plan stops a sync cleanly.
 */
export const xConnector = defineConnector({
  manifest: xManifest,

  async check(ctx) {
    const credential = await ctx.credentials.get();
    const granted = credential?.kind === 'oauth2' && credential.scope ? credential.scope.split(/[\s,]+/) : undefined;
    const missing = streamsOf(ctx.features)
      .flatMap((s) => X_FEATURE_SCOPES[s] ?? [])
      .filter((scope) => granted && !granted.includes(scope));
    if (missing.length)
      return {
        ok: false,
        message: `The X grant lacks ${missing.join(', ')} (needed by the streams turned on); connect the source again.`,
      };
    try {
      const client = new XClient(ctx, tokenOf(credential));
      const user = await client.user(ctx.config.userId);
      return { ok: true, message: `X account @${user.username} (${user.name})` };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  },

  read: readX,
});

export default xConnector;
