import { GitlabState, type GlProject } from './state.js';

export interface GitlabSeedOptions {
  /** Projects under the `acme` group (the first is `acme/widgets`, the rest `acme/sub/p-<n>`). @default 1 */
  projects?: number;
  issues?: number;
  mergeRequests?: number;
  /** Notes per issue and merge request, in discussions of up to two notes. @default 2 */
  notesPerItem?: number;
  commits?: number;
  wikiPages?: number;
}

export interface GitlabSeed {
  state: GitlabState;
  projects: GlProject[];
}

/** A GitLab instance with exact counts: every issue and merge request has `notesPerItem` notes. */
export function seedGitlab(o: GitlabSeedOptions = {}): GitlabSeed {
  const state = new GitlabState();
  const projects: GlProject[] = [];
  for (let p = 0; p < (o.projects ?? 1); p++) {
    const project = state.addProject(p === 0 ? 'acme/widgets' : `acme/sub/p-${p}`);
    projects.push(project);
    for (let i = 0; i < (o.commits ?? 30); i++) state.commit(project, `Commit ${i} of ${project.path}`);
    for (let i = 0; i < (o.issues ?? 20); i++)
      state.addIssue(project, {
        title: `Issue ${i + 1} of ${project.path}`,
        description: `Steps to reproduce ${i + 1}.\n\n- open the app\n- it fails`,
        state: i % 4 === 3 ? 'closed' : 'opened',
      });
    for (let i = 0; i < (o.mergeRequests ?? 8); i++)
      state.addMergeRequest(project, {
        title: `MR ${i + 1} of ${project.path}`,
        description: `Fixes #${i + 1}`,
        state: i % 3 === 2 ? 'merged' : 'opened',
        files: 1 + (i % 3),
      });
    const notes = o.notesPerItem ?? 2;
    for (const kind of ['issues', 'merge_requests'] as const)
      for (const n of state.list(project, kind))
        for (let k = 0; k < notes; k++) {
          const reply = k % 2 === 1 ? n.discussions.at(-1)?.id : undefined;
          state.addNote(project, kind, n.iid, `Note ${k + 1} on ${kind} ${n.iid}`, reply);
        }
    for (let i = 0; i < (o.wikiPages ?? 4); i++) state.putWiki(project, `Page ${i}`, `# Page ${i}\n\nWiki text ${i}.`);
  }
  return { state, projects };
}
