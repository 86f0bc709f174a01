import { defineConnector, isTributaryError, type Credential } from '@tributary/sdk';
import { createOctokit, githubToken, toGithubError } from './client.js';
import { type GithubConfig } from './config.js';
import { readGithub, resolveRepos } from './read.js';
import { handleGithubDelivery } from './webhook.js';
import { githubManifest } from './manifest.js';

const webhookSecretOf = (config: GithubConfig, credential: Credential | undefined): string | undefined =>
  config.webhookSecret ?? credential?.extra?.webhookSecret;

/**
 * GitHub through the REST API (`@octokit/rest`): repository metadata, issues and pull requests with comments,
 * reviews and review comments, commits, and markdown/code files of the default branch. Incremental per repository
 * and stream (`since` cursors, tree diffs); deletions from webhooks and full refreshes; rate limits waited out.
 */
export const githubConnector = defineConnector({
  manifest: githubManifest,

  async check(ctx) {
    try {
      const octokit = createOctokit(ctx, githubToken(await ctx.credentials.get()));
      const me = await octokit.rest.users.getAuthenticated().catch((err: unknown) => {
        throw toGithubError(err, 'Checking the token');
      });
      const repos = await resolveRepos(octokit, ctx);
      return {
        ok: true,
        message: `Signed in as ${me.data.login}; ${repos.length} repositor${repos.length === 1 ? 'y' : 'ies'} to read`,
      };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const octokit = createOctokit(ctx, githubToken(await ctx.credentials.get()));
    const repos = await resolveRepos(octokit, ctx);
    return repos.map((r) => ({
      id: r.full_name,
      name: r.full_name,
      kind: 'repository',
      ...(r.description ? { description: r.description } : {}),
      metadata: { private: r.private === true, defaultBranch: r.default_branch },
    }));
  },

  read: readGithub,

  async webhook(ctx, request) {
    return handleGithubDelivery(webhookSecretOf(ctx.config, await ctx.credentials.get()), request);
  },
});

export default githubConnector;
