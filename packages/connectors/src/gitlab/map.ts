import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';
import type { NoteableKind } from './checkpoint.js';

/** Loose shapes of the REST v4 objects we read (https://docs.gitlab.com/api/). */
export interface ApiUser {
  username?: string;
  name?: string;
}
export interface ApiProject {
  id: number;
  path_with_namespace: string;
  name?: string;
  description?: string | null;
  default_branch?: string | null;
  web_url?: string;
  topics?: string[];
  visibility?: string;
  created_at?: string;
  archived?: boolean;
}
export interface ApiNoteable {
  id: number;
  iid: number;
  title: string;
  description?: string | null;
  state: string;
  labels?: string[];
  author?: ApiUser | null;
  web_url?: string;
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
  merged_at?: string | null;
  source_branch?: string;
  target_branch?: string;
  user_notes_count?: number;
}
export interface ApiNote {
  id: number;
  body: string;
  author?: ApiUser | null;
  created_at: string;
  updated_at: string;
  system?: boolean;
}
export interface ApiDiscussion {
  id: string;
  individual_note?: boolean;
  notes: ApiNote[];
}
export interface ApiDiff {
  new_path: string;
  old_path?: string;
  diff?: string;
  new_file?: boolean;
  deleted_file?: boolean;
  renamed_file?: boolean;
}
export interface ApiCommit {
  id: string;
  title?: string;
  message: string;
  author_name?: string;
  authored_date?: string;
  committed_date?: string;
  web_url?: string;
  parent_ids?: string[];
}
export interface ApiWikiPage {
  slug: string;
  title: string;
  content?: string;
  format?: string;
}

/** External ids: the GitHub connector's forms where they mean the same; `!` marks a merge request as GitLab does. */
export const ids = {
  project: (path: string) => path,
  noteable: (path: string, kind: NoteableKind, iid: number) => `${path}${kind === 'issues' ? '#' : '!'}${iid}`,
  note: (path: string, kind: NoteableKind, iid: number, id: number) => `${ids.noteable(path, kind, iid)}/note/${id}`,
  commit: (path: string, sha: string) => `${path}@${sha}`,
  wiki: (path: string, slug: string) => `${path}/wiki:${slug}`,
};

export const digest = (x: unknown): string => createHash('sha1').update(JSON.stringify(x)).digest('hex').slice(0, 16);

export function toProjectItem(p: ApiProject): Item {
  const lines = [p.description ?? '', p.topics?.length ? `Topics: ${p.topics.join(', ')}` : ''];
  return {
    externalId: ids.project(p.path_with_namespace),
    stream: 'repositories',
    title: p.path_with_namespace,
    content: lines.filter(Boolean).join('\n'),
    contentType: 'text',
    ...(p.web_url ? { url: p.web_url } : {}),
    ...(p.created_at ? { occurredAt: p.created_at } : {}),
    container: p.path_with_namespace,
    ...(p.topics?.length ? { tags: p.topics } : {}),
    metadata: {
      projectId: p.id,
      visibility: p.visibility,
      defaultBranch: p.default_branch,
      archived: p.archived === true,
    },
  };
}

/** Lines like `src/a.ts (+10 −2)` for the files of a merge request's diff, and the totals. */
export function diffSummary(
  diffs: ApiDiff[],
  shown: number,
): { text: string; files: number; added: number; removed: number } {
  let added = 0;
  let removed = 0;
  const lines: string[] = [];
  for (const d of diffs) {
    let a = 0;
    let r = 0;
    for (const line of (d.diff ?? '').split('\n')) {
      if (line.startsWith('+') && !line.startsWith('+++')) a++;
      else if (line.startsWith('-') && !line.startsWith('---')) r++;
    }
    added += a;
    removed += r;
    const how = d.new_file ? 'added' : d.deleted_file ? 'deleted' : d.renamed_file ? `renamed from ${d.old_path}` : '';
    if (lines.length < shown) lines.push(`- ${d.new_path} (+${a} −${r})${how ? ` ${how}` : ''}`);
  }
  if (diffs.length > shown) lines.push(`- … and ${diffs.length - shown} more files`);
  return { text: lines.join('\n'), files: diffs.length, added, removed };
}

/** An issue, or a merge request with its diff summary (a `pull-requests` item, as GitHub's pull requests are). */
export function toNoteableItem(
  path: string,
  kind: NoteableKind,
  n: ApiNoteable,
  diff?: ReturnType<typeof diffSummary>,
): Item {
  const isMr = kind === 'merge_requests';
  const content = [n.description ?? '', diff?.text ? `\n\nChanged files (${diff.files}):\n${diff.text}` : ''].join('');
  return {
    externalId: ids.noteable(path, kind, n.iid),
    stream: isMr ? 'pull-requests' : 'issues',
    title: `${isMr ? '!' : '#'}${n.iid} ${n.title}`,
    content,
    contentType: 'markdown',
    ...(n.web_url ? { url: n.web_url } : {}),
    ...(n.author?.username ? { author: n.author.username } : {}),
    occurredAt: n.created_at,
    container: path,
    thread: ids.noteable(path, kind, n.iid),
    ...(n.labels?.length ? { tags: n.labels } : {}),
    metadata: {
      state: n.state,
      number: n.iid,
      updatedAt: n.updated_at,
      ...(n.closed_at ? { closedAt: n.closed_at } : {}),
      ...(isMr
        ? {
            merged: n.state === 'merged',
            ...(n.merged_at ? { mergedAt: n.merged_at } : {}),
            sourceBranch: n.source_branch,
            targetBranch: n.target_branch,
            ...(diff ? { changedFiles: diff.files, additions: diff.added, deletions: diff.removed } : {}),
          }
        : {}),
    },
  };
}

/** A note; its discussion is the item's thread when the discussion has replies. */
export function toNoteItem(path: string, kind: NoteableKind, n: ApiNoteable, d: ApiDiscussion, note: ApiNote): Item {
  const parent = ids.noteable(path, kind, n.iid);
  return {
    externalId: ids.note(path, kind, n.iid, note.id),
    stream: 'comments',
    title: `Comment on ${kind === 'issues' ? '#' : '!'}${n.iid} ${n.title}`,
    content: note.body,
    contentType: 'markdown',
    ...(n.web_url ? { url: `${n.web_url}#note_${note.id}` } : {}),
    ...(note.author?.username ? { author: note.author.username } : {}),
    occurredAt: note.created_at,
    container: path,
    thread: parent,
    metadata: {
      parent,
      discussion: d.id,
      ...(d.individual_note ? {} : { inDiscussion: true }),
      updatedAt: note.updated_at,
    },
  };
}

export function toCommitItem(path: string, c: ApiCommit): Item {
  const [title] = c.message.split('\n');
  return {
    externalId: ids.commit(path, c.id),
    stream: 'commits',
    title: c.title ?? title ?? c.id,
    content: c.message,
    contentType: 'text',
    ...(c.web_url ? { url: c.web_url } : {}),
    ...(c.author_name ? { author: c.author_name } : {}),
    ...(c.authored_date ? { occurredAt: c.authored_date } : {}),
    container: path,
    metadata: { sha: c.id, parents: c.parent_ids ?? [] },
  };
}

export function toWikiItem(path: string, webUrl: string | undefined, w: ApiWikiPage): Item {
  return {
    externalId: ids.wiki(path, w.slug),
    stream: 'wiki-pages',
    title: w.title,
    content: w.content ?? '',
    contentType: w.format === 'markdown' || w.format === undefined ? 'markdown' : 'text',
    ...(webUrl ? { url: `${webUrl}/-/wikis/${w.slug}` } : {}),
    container: path,
    metadata: { slug: w.slug, format: w.format ?? 'markdown' },
  };
}
