import { defineConnector, isTributaryError, type Credential } from '@tributary/sdk';
import { GithubCheckpointSchema } from './checkpoint.js';
import { createOctokit, githubToken, toGithubError } from './client.js';
import { GithubConfigSchema, type GithubConfig } from './config.js';
import { readGithub, resolveRepos } from './read.js';
import { handleGithubDelivery } from './webhook.js';

const webhookSecretOf = (config: GithubConfig, credential: Credential | undefined): string | undefined =>
  config.webhookSecret ?? credential?.extra?.webhookSecret;

/**
 * GitHub through the REST API (`@octokit/rest`): repository metadata, issues and pull requests with comments,
 * reviews and review comments, commits, and markdown/code files of the default branch. Incremental per repository
 * and stream (`since` cursors, tree diffs); deletions from webhooks and full refreshes; rate limits waited out.
 */
export const githubConnector = defineConnector({
  manifest: {
    name: 'github',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'GitHub',
    description: 'Issues, pull requests, reviews, comments, commits and docs/code files from GitHub repositories.',
    auth: { type: 'oauth2', provider: 'github', scopes: ['repo', 'read:user'], allowToken: true },
    config: GithubConfigSchema,
    checkpoint: GithubCheckpointSchema,
    features: {
      issues: { default: true, description: 'Read issues.' },
      pullRequests: { default: true, description: 'Read pull requests (and their reviews when comments are on).' },
      commits: { default: true, description: 'Read commits of the default branch.' },
      files: { default: true, description: 'Read markdown and code files of the default branch.' },
    },
    streams: ['repositories', 'issues', 'pull-requests', 'comments', 'reviews', 'commits', 'files'],
    capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
    // GitHub grants the hour's budget at once (it resets hourly), so the bucket holds all of it.
    rateLimit: {
      requests: 5000,
      perSeconds: 3600,
      burst: 5000,
      description: 'GitHub REST: 5,000 requests per hour per token',
    },
    kind: 'cloud',
  },

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
