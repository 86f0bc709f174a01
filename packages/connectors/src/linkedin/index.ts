import { defineConnector } from '@tributary/sdk';
import { LinkedinClient } from './client.js';
import { linkedinManifest } from './manifest.js';
import { readLinkedin } from './read.js';

/**
 * LinkedIn through the DMA Member Data Portability API: the member snapshot (profile, positions, connections,
 * posts, comments, messages) read periodically with deletions by absence, and the change log (28 days) for posts
 * in between. Records map exactly as the `linkedin-export` archive's do.
 */
export const linkedinConnector = defineConnector({
  manifest: linkedinManifest,
  async check(ctx) {
    try {
      const client = await LinkedinClient.create(ctx);
      const page = await client.snapshot('PROFILE', 0, 1);
      return {
        ok: true,
        message: `Member Data Portability API reachable (${page.elements.length ? 'profile found' : 'no profile yet'}).`,
      };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
  read: (ctx) => readLinkedin(ctx),
});

export default linkedinConnector;
