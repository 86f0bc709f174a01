import type {
  GitlabState,
  GlCommit,
  GlNote,
  GlNoteable,
  GlProject,
  GlUser,
  GlWikiPage,
  NoteableKind,
} from './state.js';

/** The JSON GitLab's REST v4 answers, built from the twin's state (fields as GitLab's API docs show them). */
export function userView(u: GlUser, web: string): Record<string, unknown> {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    state: 'active',
    locked: false,
    avatar_url: `${web}/uploads/-/system/user/avatar/${u.id}/avatar.png`,
    web_url: `${web}/${u.username}`,
  };
}

export function projectView(p: GlProject, web: string): Record<string, unknown> {
  return {
    id: p.id,
    description: p.description,
    name: p.name,
    name_with_namespace: p.pathWithNamespace.split('/').join(' / '),
    path: p.path,
    path_with_namespace: p.pathWithNamespace,
    created_at: p.created_at,
    default_branch: p.defaultBranch,
    tag_list: p.topics,
    topics: p.topics,
    http_url_to_repo: `${web}/${p.pathWithNamespace}.git`,
    web_url: `${web}/${p.pathWithNamespace}`,
    last_activity_at: p.last_activity_at,
    visibility: p.visibility,
    wiki_enabled: true,
    issues_enabled: true,
    merge_requests_enabled: true,
    namespace: { id: 1, name: p.namespace, path: p.namespace.split('/').at(-1), kind: 'group', full_path: p.namespace },
  };
}

const userNotes = (n: GlNoteable): number => n.discussions.flatMap((d) => d.notes).filter((x) => !x.system).length;

export function noteableView(p: GlProject, kind: NoteableKind, n: GlNoteable, web: string): Record<string, unknown> {
  const base = `${web}/${p.pathWithNamespace}/-/${kind === 'issues' ? 'issues' : 'merge_requests'}/${n.iid}`;
  const common = {
    id: n.id,
    iid: n.iid,
    project_id: p.id,
    title: n.title,
    description: n.description,
    state: n.state,
    created_at: n.created_at,
    updated_at: n.updated_at,
    closed_at: n.closed_at,
    labels: n.labels,
    author: userView(n.author, web),
    assignees: [],
    user_notes_count: userNotes(n),
    upvotes: 0,
    downvotes: 0,
    web_url: base,
    references: {
      short: `${kind === 'issues' ? '#' : '!'}${n.iid}`,
      relative: `${kind === 'issues' ? '#' : '!'}${n.iid}`,
      full: `${p.pathWithNamespace}${kind === 'issues' ? '#' : '!'}${n.iid}`,
    },
  };
  if (kind === 'issues') return { ...common, type: 'ISSUE', issue_type: 'issue', confidential: false };
  return {
    ...common,
    merged_at: n.merged_at ?? null,
    source_branch: n.source_branch,
    target_branch: n.target_branch,
    source_project_id: p.id,
    target_project_id: p.id,
    draft: false,
    merge_status: 'can_be_merged',
  };
}

export function noteView(p: GlProject, kind: NoteableKind, n: GlNoteable, note: GlNote, web: string) {
  return {
    id: note.id,
    type: 'DiscussionNote',
    body: note.body,
    author: userView(note.author, web),
    created_at: note.created_at,
    updated_at: note.updated_at,
    system: note.system,
    noteable_id: n.id,
    noteable_type: kind === 'issues' ? 'Issue' : 'MergeRequest',
    project_id: p.id,
    resolvable: kind === 'merge_requests',
    confidential: false,
    internal: false,
    noteable_iid: n.iid,
  };
}

export function discussionView(p: GlProject, kind: NoteableKind, n: GlNoteable, web: string) {
  return n.discussions.map((d) => ({
    id: d.id,
    individual_note: d.individual_note,
    notes: d.notes.map((note) => noteView(p, kind, n, note, web)),
  }));
}

/** `GET /merge_requests/:iid/diffs`: one entry per changed file with a unified diff. */
export function diffView(n: GlNoteable): Array<Record<string, unknown>> {
  return (n.changes ?? []).map((c) => ({
    diff: `@@ -1,${c.removed} +1,${c.added} @@\n${'-old line\n'.repeat(c.removed)}${'+new line\n'.repeat(c.added)}`,
    new_path: c.path,
    old_path: c.path,
    a_mode: c.newFile ? '0' : '100644',
    b_mode: c.deleted ? '0' : '100644',
    new_file: c.newFile === true,
    renamed_file: false,
    deleted_file: c.deleted === true,
    generated_file: false,
    collapsed: false,
    too_large: false,
  }));
}

export function commitView(p: GlProject, c: GlCommit, web: string): Record<string, unknown> {
  return {
    id: c.id,
    short_id: c.id.slice(0, 8),
    created_at: c.committed_date,
    parent_ids: c.parent_ids,
    title: c.title,
    message: c.message,
    author_name: c.author_name,
    author_email: c.author_email,
    authored_date: c.authored_date,
    committer_name: c.author_name,
    committer_email: c.author_email,
    committed_date: c.committed_date,
    trailers: {},
    extended_trailers: {},
    web_url: `${web}/${p.pathWithNamespace}/-/commit/${c.id}`,
  };
}

export function wikiView(w: GlWikiPage, withContent: boolean): Record<string, unknown> {
  return {
    format: w.format,
    slug: w.slug,
    title: w.title,
    ...(withContent ? { content: w.content, encoding: 'UTF-8' } : {}),
  };
}

/** The state type, re-exported for server.ts. */
export type { GitlabState };
