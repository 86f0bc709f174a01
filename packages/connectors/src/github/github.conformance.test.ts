import { testConnector } from '@tributary/sdk/testing';
import {
  seedGithubRepo,
  startGithubTwin,
  type GithubSeed,
  type GithubTwin,
} from '../../../../test/twins/github/index.js';
import { githubConnector } from './index.js';

// A small repository keeps the crash-resume matrix fast; the full-size counts live in github.test.ts.
let seed: GithubSeed;
let twin: GithubTwin | undefined;

testConnector(githubConnector, {
  get config() {
    // `acme/*` lists the owner's repositories, so the repositories grow() adds are read.
    return { repos: ['acme/*'], baseUrl: twin?.url ?? 'http://127.0.0.1:9' };
  },
  credentials: { kind: 'token', token: 'ghp_twin' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'token', token: 'ghp_forged' } },
    { name: 'no credential', credentials: undefined },
    { name: 'missing repository', config: { repos: ['acme/nope'], baseUrl: 'http://127.0.0.1:9' } },
  ],
  async setup() {
    seed = seedGithubRepo({ issues: 30, pulls: 12, commits: 120, files: 30, commentsPerIssue: 2 });
    twin = await startGithubTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const { state, repo } = seed;
    const r = 'acme/widgets';
    const issue = state.addIssue(repo, { title: 'A new bug', body: 'It broke' });
    const edited = state.editIssue(repo, 3, { body: 'Edited body' });
    const comment = repo.comments.find((c) => c.issue === 5)!;
    state.editComment(repo, comment.id, 'Edited comment');
    const added = state.addComment(repo, 7, 'A new comment');
    const head = state.commit(
      repo,
      { 'docs/guide-0.md': '# Guide 0\n\nRewritten.\n', 'docs/new.md': '# New page\n', 'src/mod-1.ts': null },
      'Docs shuffle',
    );
    return {
      added: [`${r}#${issue.number}`, `${r}#7/comment/${added.id}`, `${r}@${head.sha}`, `${r}:docs/new.md`],
      // A new comment bumps its issue's updated_at and comment count (item metadata): GitHub reports #7 changed.
      changed: [`${r}#${edited.number}`, `${r}#7`, `${r}#5/comment/${comment.id}`, `${r}:docs/guide-0.md`],
      deleted: [`${r}:src/mod-1.ts`],
    };
  },
  grow() {
    // Three more repositories, each with a file, a commit and an issue (4 items with the repository itself): a
    // cursor per repository in the checkpoint would grow by more values than that, so checkpoint:bounded fails
    // unless the cursors live in connector state.
    const { state } = seed;
    for (let n = 1; n <= 3; n++) {
      const repo = state.addRepo('acme', `grown-${n}`, { private: false, description: `Grown ${n}` });
      state.commit(repo, { 'README.md': `# Grown ${n}\n` }, 'Initial commit');
      state.addIssue(repo, { title: `First issue of grown ${n}`, body: 'Hello' });
    }
    return 12;
  },
});
