import { adfEverything, commentBody, issueDescription } from './adf.js';
import { JiraState } from './jira-state.js';

export interface JiraSeedOptions {
  projects?: number;
  issuesPerProject?: number;
  commentsPerIssue?: number;
}

export interface JiraSeed {
  state: JiraState;
  projectKeys: string[];
  issueIds: string[];
}

const KEYS = ['OPS', 'WEB', 'API', 'DATA', 'MOB'];
const USERS = [
  { accountId: 'acc-ada', displayName: 'Ada Lovelace', emailAddress: 'ada@example.com' },
  { accountId: 'acc-grace', displayName: 'Grace Hopper' },
  { accountId: 'acc-alan', displayName: 'Alan Turing' },
];

/**
 * A Jira site: projects of issues with realistic ADF descriptions (the first issue of each project uses every ADF
 * node type and carries an attachment), comments, labels, and a changelog entry on every third issue.
 */
export function seedJiraSite(options: JiraSeedOptions = {}): JiraSeed {
  const { projects = 2, issuesPerProject = 10, commentsPerIssue = 2 } = options;
  const state = new JiraState();
  for (const u of USERS) state.addUser(u);
  const projectKeys: string[] = [];
  const issueIds: string[] = [];
  for (let p = 0; p < projects; p++) {
    const key = KEYS[p] ?? `P${p}`;
    state.addProject(key, `${key} team`);
    projectKeys.push(key);
  }
  // Interleave projects so `updated` order mixes them, as on a real site.
  for (let n = 0; n < issuesPerProject; n++)
    for (const key of projectKeys) {
      const issue = state.addIssue({
        project: key,
        summary: `${key} problem ${n}`,
        description: n === 0 ? adfEverything('acc-ada') : issueDescription(n, 'acc-grace'),
        reporter: USERS[n % USERS.length]!.accountId,
        assignee: n % 4 === 0 ? null : USERS[(n + 1) % USERS.length]!.accountId,
        labels: n % 2 ? ['backend'] : ['frontend', 'customer'],
        issuetype: n % 5 === 0 ? 'Bug' : 'Task',
      });
      if (n === 0) state.attach(issue.id, 'diagram.png');
      for (let k = 0; k < commentsPerIssue; k++)
        state.comment(issue.id, USERS[k % USERS.length]!.accountId, commentBody(n, k));
      if (n % 3 === 0) state.edit(issue.id, 'acc-alan', { status: 'In Progress' });
      issueIds.push(issue.id);
    }
  return { state, projectKeys, issueIds };
}
