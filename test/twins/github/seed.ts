import { createLogicalClock } from '../kit/index.js';
import { GitHubState, type GhRepo } from './state.js';

export interface GithubSeedOptions {
  owner?: string;
  name?: string;
  issues?: number;
  pulls?: number;
  commits?: number;
  /** Files on the default branch: half markdown, half TypeScript, plus one image and one oversized file. */
  files?: number;
  commentsPerIssue?: number;
  private?: boolean;
  /** Add the repository to this state (several repos in one twin); a new state when absent. */
  state?: GitHubState;
}

export interface GithubSeed {
  state: GitHubState;
  repo: GhRepo;
  /** Files the connector should read with default config (markdown and code, under the size limit). */
  textFiles: string[];
}

const TOPICS = ['search', 'sync', 'parser', 'cache', 'auth', 'api', 'docs', 'tests'];

/**
 * A deterministic repository: issues (every 4th closed) with comments, pull requests (every 3rd merged) with a
 * review and a review comment each, a linear history of commits touching the files, and a tree of markdown and
 * code files plus a binary and an oversized file the connector must skip.
 */
export function seedGithubRepo(opts: GithubSeedOptions = {}): GithubSeed {
  const state = opts.state ?? new GitHubState(createLogicalClock(Date.UTC(2025, 10, 1)));
  const repo = state.addRepo(opts.owner ?? 'acme', opts.name ?? 'widgets', {
    private: opts.private ?? false,
    description: 'Widgets for everyone',
  });
  state.tokens.set('ghp_twin', { login: repo.owner, state: 'valid' });
  const nFiles = opts.files ?? 40;
  const textFiles: string[] = [];
  const initial: Record<string, string> = {};
  for (let f = 0; f < nFiles; f++) {
    const md = f % 2 === 0;
    const path = md ? `docs/guide-${f}.md` : `src/mod-${f}.ts`;
    initial[path] = md
      ? `# Guide ${f}\n\nHow to use the ${TOPICS[f % TOPICS.length]} part.\n`
      : `export const mod${f} = ${f};\n`;
    textFiles.push(path);
  }
  initial['assets/logo.png'] = '\u0089PNG fake image bytes';
  initial['data/huge.json'] = `{"pad":"${'x'.repeat(1_100_000)}"}`;
  state.commit(repo, initial, 'Initial commit');
  const nCommits = opts.commits ?? 200;
  for (let c = 1; c < nCommits; c++) {
    const path = textFiles[c % textFiles.length]!;
    state.commit(
      repo,
      {
        [path]: `${initial[path]}\n<!-- revision ${c} -->\n`
          .replace('<!--', path.endsWith('.ts') ? '//' : '<!--')
          .replace(' -->', path.endsWith('.ts') ? '' : ' -->'),
      },
      `Update ${path} (${c})\n\nPart of the ${TOPICS[c % TOPICS.length]} work.`,
      c % 3 ? 'octo' : 'hubot',
    );
  }
  const nIssues = opts.issues ?? 100;
  const nPulls = opts.pulls ?? 60;
  const perIssue = opts.commentsPerIssue ?? 2;
  for (let k = 0; k < nIssues + nPulls; k++) {
    // Interleave issues and pulls as they would be numbered on GitHub.
    const isPull =
      k % Math.ceil((nIssues + nPulls) / Math.max(1, nPulls)) === 1 &&
      repo.issues.filter((i) => i.pull).length < nPulls;
    const issuesLeft = nIssues - repo.issues.filter((i) => !i.pull).length;
    const pull = isPull || issuesLeft <= 0;
    const topic = TOPICS[k % TOPICS.length]!;
    const issue = state.addIssue(repo, {
      title: pull ? `Improve ${topic} handling (${k})` : `Bug in ${topic} when syncing (${k})`,
      body: `Steps for **${topic}**:\n\n1. run it\n2. see case ${k}`,
      user: k % 2 ? 'octo' : 'hubot',
      labels: k % 5 === 0 ? ['bug'] : [],
      ...(pull
        ? { pull: { head: `feature-${k}`, base: 'main', ...(k % 3 === 0 ? { merged_at: state.clock.now() } : {}) } }
        : {}),
    });
    for (let c = 0; c < perIssue; c++)
      state.addComment(
        repo,
        issue.number,
        `Comment ${c} on #${issue.number}: looks like ${topic}.`,
        c % 2 ? 'hubot' : 'octo',
      );
    if (pull) {
      const review = state.addReview(
        repo,
        issue.number,
        k % 2 ? `Looks good for ${topic}` : '',
        k % 2 ? 'COMMENTED' : 'APPROVED',
        'hubot',
      );
      state.addReviewComment(repo, issue.number, review, textFiles[k % textFiles.length]!, `Nit on ${topic} here`);
    }
    if (k % 4 === 3) state.editIssue(repo, issue.number, { state: 'closed' });
  }
  return { state, repo, textFiles };
}
