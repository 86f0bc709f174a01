import { defineConnector } from '@tributary/sdk';
import { YoutubeClient } from './client.js';
import { youtubeManifest } from './manifest.js';
import { QuotaBudget } from './quota.js';
import { readVideos } from './read.js';

/**
 * YouTube: a channel's uploads or a playlist, one memory per video with its title, description and transcript
 * (the owner's captions through captions.download, or the public captions), each transcript paragraph linked to its
 * moment; removed and private videos become tombstones; quota units counted against a daily budget.
 */
export const youtubeConnector = defineConnector({
  manifest: youtubeManifest,
  async check(ctx) {
    try {
      const credential = await ctx.credentials.get();
      // check spends one unit outside the sync's budget count: it is not part of a run
      const budget = new QuotaBudget(ctx.clock.now(), Number.MAX_SAFE_INTEGER, {});
      const client = new YoutubeClient(ctx, budget, credential?.kind === 'token' ? credential.token : undefined);
      const target = await client.target(ctx.config);
      return {
        ok: true,
        message: `Playlist ${target.playlistId}${target.channelTitle ? ` of ${target.channelTitle}` : ''}.`,
      };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
  read: (ctx) => readVideos(ctx),
});

export default youtubeConnector;
