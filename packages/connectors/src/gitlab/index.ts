import { defineConnector, isTributaryError, type Credential } from '@tributary/sdk';
import { GitlabClient } from './client.js';
import type { GitlabConfig } from './config.js';
import { gitlabManifest } from './manifest.js';
import { readGitlab, resolveProjects } from './read.js';
import { handleGitlabDelivery } from './webhook.js';

const webhookTokenOf = (config: GitlabConfig, credential: Credential | undefined): string | undefined =>
  config.webhookToken ?? credential?.extra?.webhookToken;

/**
 * GitLab (gitlab.com or self-managed) through REST v4 on the SDK's HTTP helper: projects by path or group, issues
 * and merge requests with diff summaries, notes in discussions, commits of the default branch, wiki pages.
 * Incremental per project (`updated_after` with an overlap, keyset pages); deletions by reconciliation and
 * webhooks (`X-Gitlab-Token`).
 */
export const gitlabConnector = defineConnector({
  manifest: gitlabManifest,

  async check(ctx) {
    try {
      const client = new GitlabClient(ctx, await ctx.credentials.get());
      const me = await client.get<{ username: string }>('/user');
      const projects = await resolveProjects(client, ctx);
      return {
        ok: true,
        message: `Signed in as ${me.username}; ${projects.length} project${projects.length === 1 ? '' : 's'} to read`,
      };
    } catch (err) {
      return {
        ok: false,
        message: isTributaryError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      };
    }
  },

  async discover(ctx) {
    const client = new GitlabClient(ctx, await ctx.credentials.get());
    return (await resolveProjects(client, ctx)).map((p) => ({
      id: p.path_with_namespace,
      name: p.path_with_namespace,
      kind: 'project',
      ...(p.description ? { description: p.description } : {}),
      metadata: { id: p.id, visibility: p.visibility, defaultBranch: p.default_branch },
    }));
  },

  read: readGitlab,

  async webhook(ctx, request) {
    return handleGitlabDelivery(webhookTokenOf(ctx.config, await ctx.credentials.get()), request);
  },
});

export default gitlabConnector;
