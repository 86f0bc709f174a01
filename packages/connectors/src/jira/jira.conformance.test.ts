import { testConnector } from '@tributary/sdk/testing';
import {
  commentBody,
  issueDescription,
  seedJiraSite,
  startJiraTwin,
  type JiraSeed,
  type JiraTwin,
} from '../../../../test/twins/atlassian/index.js';
import { jiraConnector } from './index.js';

// 2 projects × 8 issues × 2 comments, 5 issues per search page: the crash matrix covers every page and the sweep.
let seed: JiraSeed;
let twin: JiraTwin | undefined;
const credentials = { kind: 'password' as const, username: 'ada@example.com', password: 'jira-token' };

testConnector(jiraConnector, {
  get config() {
    // Reconcile on every sync, so deleted issues are reported by the incremental read.
    return { siteUrl: twin?.siteUrl ?? 'http://127.0.0.1:9', reconcileHours: 0, pageSize: 5 };
  },
  credentials,
  badSetups: [
    { name: 'wrong API token', credentials: { kind: 'password', username: 'ada@example.com', password: 'nope' } },
    { name: 'no credential', credentials: undefined },
    { name: 'no site URL', config: { reconcileHours: 0 } },
  ],
  async setup() {
    seed = seedJiraSite({ projects: 2, issuesPerProject: 8, commentsPerIssue: 2 });
    twin = await startJiraTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const s = seed.state;
    const added = s.addIssue({
      project: 'OPS',
      summary: 'A new outage',
      reporter: 'acc-ada',
      description: issueDescription(99, 'acc-ada'),
    });
    const edited = seed.issueIds[3]!;
    s.edit(edited, 'acc-grace', { summary: 'Renamed problem', status: 'Done' });
    const commented = seed.issueIds[5]!;
    const comment = s.comment(commented, 'acc-alan', commentBody(5, 9));
    const gone = seed.issueIds[7]!;
    const goneComments = s.issues.get(gone)!.comments.map((c) => `issue:${gone}/comment:${c.id}`);
    s.remove(gone);
    return {
      added: [`issue:${added.id}`, `issue:${commented}/comment:${comment.id}`],
      changed: [`issue:${edited}`],
      deleted: [`issue:${gone}`, ...goneComments],
    };
  },
  grow() {
    for (let i = 0; i < 10; i++) seed.state.addIssue({ project: 'WEB', summary: `Grown ${i}`, reporter: 'acc-ada' });
    return 10;
  },
});
