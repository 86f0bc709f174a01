import { defineConnector } from '@tributary/sdk';
import { checkPatterns, currentBranch, listBranches, openRepo, resolveBranches } from './client.js';
import { readCommits } from './read.js';
import { gitManifest } from './manifest.js';

/**
 * The `git` connector: commits of a local repository, one item per commit (a commit on several branches is one
 * item). Incremental by branch tips; a force push that drops commits reports them as deletes.
 */
export const gitConnector = defineConnector({
  manifest: gitManifest,

  /**
   * Checks that rootDir is a repository's top level and that every branch exists.
   * @throws TributaryError `invalid_config` (what is wrong and how to fix it), `path_outside_root` for a pattern
   */
  async check(ctx) {
    const repo = await openRepo(ctx.config.rootDir, ctx.signal);
    checkPatterns(repo, ctx.config.patterns);
    const branches = ctx.config.branches.length
      ? ctx.config.branches
      : [await currentBranch(repo, ctx.signal)].filter((b): b is string => b !== undefined);
    if (!branches.length)
      return {
        ok: false,
        message: `The repository "${repo.dir}" has no commits yet: commit something or set branches.`,
      };
    await resolveBranches(repo, branches, ctx.signal);
    return { ok: true, message: `Repository "${repo.name}": ${branches.join(', ')}` };
  },

  async discover(ctx) {
    const repo = await openRepo(ctx.config.rootDir, ctx.signal);
    const current = await currentBranch(repo, ctx.signal);
    return (await listBranches(repo, ctx.signal)).map((b) => ({
      id: b.name,
      name: b.name,
      kind: b.remote ? 'remote-branch' : 'branch',
      metadata: { sha: b.sha, updatedAt: b.updatedAt, current: !b.remote && b.name === current },
    }));
  },

  read: readCommits,
});

export default gitConnector;
