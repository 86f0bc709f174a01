import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';
import { adfToMarkdown, type AdfContext } from '../lib/atlassian/adf.js';

export interface ApiUser {
  accountId: string;
  displayName?: string;
}

export interface ApiComment {
  id: string;
  author?: ApiUser | null;
  body?: unknown;
  created: string;
  updated: string;
}

export interface ApiIssue {
  id: string;
  key: string;
  fields: {
    summary?: string;
    description?: unknown;
    status?: { name?: string };
    issuetype?: { name?: string };
    priority?: { name?: string } | null;
    labels?: string[];
    assignee?: ApiUser | null;
    reporter?: ApiUser | null;
    project?: { key: string; name?: string };
    created: string;
    updated: string;
    attachment?: Array<{ id: string; filename: string; content?: string }>;
  };
  changelog?: {
    histories?: Array<{
      id: string;
      author?: ApiUser | null;
      created: string;
      items?: Array<{ field: string; fromString?: string | null; toString?: string | null }>;
    }>;
  };
}

/** The fields a search asks for (everything the items need; `comment` is read separately, paged). */
export const ISSUE_FIELDS = [
  'summary',
  'description',
  'status',
  'issuetype',
  'priority',
  'labels',
  'assignee',
  'reporter',
  'project',
  'created',
  'updated',
  'attachment',
];

/** Jira's `2026-01-01T11:00:00.000+0100` as ISO UTC (items and cursors compare instants). */
export function toIso(jiraTime: string): string {
  const ms = Date.parse(jiraTime.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? jiraTime : new Date(ms).toISOString();
}

export const ids = {
  issue: (id: string) => `issue:${id}`,
  comment: (issue: string, comment: string) => `issue:${issue}/comment:${comment}`,
};

/** Media in ADF point at attachments by file name (`alt`): link them to the attachment's content URL. */
export function adfContextOf(issue: ApiIssue): AdfContext {
  const byName = new Map((issue.fields.attachment ?? []).map((a) => [a.filename, a.content]));
  return { mediaUrl: (attrs) => (typeof attrs.alt === 'string' ? byName.get(attrs.alt) : undefined) };
}

/** An issue as an item: the description as Markdown, fields as tags and metadata, the newest changelog entries. */
export function toIssueItem(issue: ApiIssue, siteUrl: string, changelogEntries: number): Item {
  const f = issue.fields;
  const description = adfToMarkdown(f.description, adfContextOf(issue));
  const changelog = (issue.changelog?.histories ?? [])
    .flatMap((h) =>
      (h.items ?? []).map((x) => ({
        at: toIso(h.created),
        author: h.author?.displayName ?? null,
        field: x.field,
        from: x.fromString ?? null,
        to: x.toString ?? null,
      })),
    )
    .sort((a, b) => a.at.localeCompare(b.at))
    .slice(-changelogEntries);
  const tags = [
    ...(f.labels ?? []),
    ...(f.status?.name ? [`status:${f.status.name}`] : []),
    ...(f.issuetype?.name ? [`type:${f.issuetype.name}`] : []),
  ];
  return {
    externalId: ids.issue(issue.id),
    stream: 'issues',
    content: description || f.summary || issue.key,
    contentType: 'markdown',
    title: `${issue.key}: ${f.summary ?? ''}`.trim(),
    url: `${siteUrl}/browse/${issue.key}`,
    ...(f.reporter?.displayName ? { author: f.reporter.displayName } : {}),
    occurredAt: toIso(f.created),
    container: f.project?.key ?? issue.key.split('-')[0]!,
    thread: ids.issue(issue.id),
    ...(tags.length ? { tags } : {}),
    metadata: {
      key: issue.key,
      project: f.project?.name ?? null,
      status: f.status?.name ?? null,
      type: f.issuetype?.name ?? null,
      priority: f.priority?.name ?? null,
      assignee: f.assignee?.displayName ?? null,
      reporter: f.reporter?.displayName ?? null,
      created: toIso(f.created),
      changelog,
    },
  };
}

/** A comment as its own item in the issue's thread. */
export function toCommentItem(issue: ApiIssue, c: ApiComment, siteUrl: string): Item {
  return {
    externalId: ids.comment(issue.id, c.id),
    stream: 'comments',
    content: adfToMarkdown(c.body, adfContextOf(issue)) || '(empty comment)',
    contentType: 'markdown',
    title: `Comment on ${issue.key}`,
    url: `${siteUrl}/browse/${issue.key}?focusedCommentId=${c.id}`,
    ...(c.author?.displayName ? { author: c.author.displayName } : {}),
    occurredAt: toIso(c.created),
    container: issue.fields.project?.key ?? issue.key.split('-')[0]!,
    thread: ids.issue(issue.id),
    metadata: { key: issue.key, created: toIso(c.created), updated: toIso(c.updated) },
  };
}

/**
 * A digest of an issue item. A comment moves the issue's `updated` but not its item (`updated` is not in it), so
 * an issue whose digest is unchanged is not yielded again: only the new comment is.
 */
export function digest(item: Item): string {
  return createHash('sha256').update(JSON.stringify(item)).digest('base64url').slice(0, 22);
}
