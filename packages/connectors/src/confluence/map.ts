import type { Item } from '@tributary/sdk';
import { adfToMarkdown } from '../lib/atlassian/adf.js';
import { storageToMarkdown } from '../lib/atlassian/storage.js';

export interface ApiVersion {
  number: number;
  createdAt: string;
  message?: string;
  authorId?: string;
}

export interface ApiBody {
  atlas_doc_format?: { value?: string };
  storage?: { value?: string };
}

export interface ApiContent {
  id: string;
  status: string;
  title: string;
  spaceId: string;
  parentId?: string | null;
  authorId?: string;
  createdAt: string;
  version: ApiVersion;
  body?: ApiBody;
  _links?: { webui?: string };
}

export interface ApiComment {
  id: string;
  status: string;
  pageId?: string;
  blogPostId?: string;
  version: ApiVersion;
  body?: ApiBody;
  resolutionStatus?: string;
  properties?: { inlineOriginalSelection?: string };
  _links?: { webui?: string };
}

export interface Ancestor {
  id: string;
  title: string;
}

export const ids = {
  content: (kind: 'page' | 'blogpost', id: string) => `${kind}:${id}`,
  comment: (id: string) => `comment:${id}`,
};

/** A body in whichever representation was asked for, as Markdown. */
export function bodyToMarkdown(body: ApiBody | undefined): string {
  const adf = body?.atlas_doc_format?.value;
  if (adf) {
    try {
      return adfToMarkdown(JSON.parse(adf));
    } catch {
      return '';
    }
  }
  return storageToMarkdown(body?.storage?.value ?? '');
}

/** The container of a page: its space key and the titles of its ancestors, top down (`ENG / Handbook / Setup`). */
export const containerOf = (spaceKey: string, ancestors: Ancestor[]): string =>
  [spaceKey, ...ancestors.map((a) => a.title)].join(' / ');

/** A page or blog post at one version, as an item (each version of a page is a version of the same memory). */
export function toContentItem(
  kind: 'page' | 'blogpost',
  c: ApiContent,
  space: { key: string; name: string },
  ancestors: Ancestor[],
  siteUrl: string,
): Item {
  return {
    externalId: ids.content(kind, c.id),
    stream: kind === 'page' ? 'pages' : 'blogposts',
    content: bodyToMarkdown(c.body) || c.title,
    contentType: 'markdown',
    title: c.title,
    url: `${siteUrl}/wiki${c._links?.webui ?? `/pages/viewpage.action?pageId=${c.id}`}`,
    occurredAt: c.version.createdAt,
    container: containerOf(space.key, ancestors),
    thread: ids.content(kind, c.id),
    metadata: {
      spaceKey: space.key,
      space: space.name,
      version: c.version.number,
      versionMessage: c.version.message || null,
      versionAuthorId: c.version.authorId ?? null,
      authorId: c.authorId ?? null,
      createdAt: c.createdAt,
      parentId: c.parentId ?? null,
      ancestors,
    },
  };
}

/** A footer or inline comment as its own item in its page's thread (an inline one quotes the text it marks). */
export function toCommentItem(
  kind: 'footer' | 'inline',
  c: ApiComment,
  parent: { kind: 'page' | 'blogpost'; id: string; title: string; container: string },
  siteUrl: string,
): Item {
  const body = bodyToMarkdown(c.body);
  const selection = c.properties?.inlineOriginalSelection;
  const content = kind === 'inline' && selection ? `> ${selection}\n\n${body}` : body;
  return {
    externalId: ids.comment(c.id),
    stream: 'comments',
    content: content || '(empty comment)',
    contentType: 'markdown',
    title: `${kind === 'inline' ? 'Inline comment' : 'Comment'} on ${parent.title}`,
    url: `${siteUrl}/wiki${c._links?.webui ?? `/pages/viewpage.action?pageId=${parent.id}&focusedCommentId=${c.id}`}`,
    occurredAt: c.version.createdAt,
    container: `${parent.container} / ${parent.title}`,
    thread: ids.content(parent.kind, parent.id),
    metadata: {
      kind,
      version: c.version.number,
      authorId: c.version.authorId ?? null,
      ...(kind === 'inline' ? { resolution: c.resolutionStatus ?? null, selection: selection ?? null } : {}),
    },
  };
}
