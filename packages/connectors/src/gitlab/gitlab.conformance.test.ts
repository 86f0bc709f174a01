import { testConnector } from '@tributary/sdk/testing';
import { seedGitlab, startGitlabTwin, type GitlabSeed, type GitlabTwin } from '../../../../test/twins/gitlab/index.js';
import { gitlabConnector } from './index.js';

// A small group keeps the crash-resume matrix fast; the full-size counts live in gitlab.test.ts.
let seed: GitlabSeed;
let twin: GitlabTwin | undefined;
const P = 'acme/widgets';

testConnector(gitlabConnector, {
  get config() {
    // The `acme` group (with subgroups), so the projects grow() adds are read.
    return { groups: ['acme'], baseUrl: twin?.url ?? 'http://127.0.0.1:9', overlapSeconds: 60 };
  },
  credentials: { kind: 'token', token: 'glpat-twin' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'token', token: 'glpat-forged' } },
    { name: 'expired OAuth token', credentials: { kind: 'oauth2', accessToken: 'glpat-expired' } },
    { name: 'no credential', credentials: undefined },
    { name: 'missing project', config: { projects: ['acme/nope'], baseUrl: 'http://127.0.0.1:9' } },
  ],
  async setup() {
    seed = seedGitlab({ issues: 30, mergeRequests: 10, notesPerItem: 2, commits: 120, wikiPages: 3 });
    twin = await startGitlabTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const { state } = seed;
    const p = seed.projects[0]!;
    const issue = state.addIssue(p, { title: 'A new bug', description: 'It broke' });
    const edited = state.edit(p, 'issues', 3, { description: 'Edited description' });
    const noteOn5 = state.find(p, 'issues', 5).discussions[0]!.notes[0]!;
    state.editNote(p, 'issues', 5, noteOn5.id, 'Edited note');
    const added = state.addNote(p, 'merge_requests', 2, 'A new review note');
    const doomed = state.find(p, 'issues', 9);
    const doomedNotes = doomed.discussions.flatMap((d) => d.notes).map((n) => `${P}#9/note/${n.id}`);
    state.remove(p, 'issues', 9);
    const commit = state.commit(p, 'Fix the widget');
    state.putWiki(p, 'Page 0', '# Page 0\n\nRewritten.');
    state.deleteWiki(p, 'Page-2');
    return {
      added: [`${P}#${issue.iid}`, `${P}!2/note/${added.id}`, `${P}@${commit.id}`],
      // A note touches its issue or merge request, whose item carries updatedAt: GitLab reports it changed.
      changed: [`${P}#${edited.iid}`, `${P}#5`, `${P}#5/note/${noteOn5.id}`, `${P}!2`, `${P}/wiki:Page-0`],
      deleted: [`${P}#9`, ...doomedNotes, `${P}/wiki:Page-2`],
    };
  },
  grow() {
    // Three more projects in a subgroup, each with an issue (2 items with the project): cursors per project in the
    // checkpoint would grow with them, so checkpoint:bounded fails unless they live in connector state.
    const { state } = seed;
    for (let n = 1; n <= 3; n++) {
      const p = state.addProject(`acme/grown/g-${n}`);
      state.addIssue(p, { title: `First issue of g-${n}`, description: 'Hello' });
    }
    return 6;
  },
});
