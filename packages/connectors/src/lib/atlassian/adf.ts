/**
 * Atlassian Document Format (ADF) to Markdown, shared by Jira (descriptions, comments) and Confluence (page bodies,
 * comments). Pure; every node type of the ADF JSON schema has a rendering
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/). Unknown nodes render their content.
 */

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  content?: AdfNode[];
}

/** What rendering may ask the caller: display names of mentioned users, and URLs of media (attachments). */
export interface AdfContext {
  /** A user's display name by account id (mentions carry `text` most of the time; this fills the gaps). */
  userName?(accountId: string): string | undefined;
  /** The URL of a media node (an attachment, by its file name or media id), when the caller knows it. */
  mediaUrl?(attrs: Record<string, unknown>): string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function wrap(text: string, mark: string): string {
  const m = /^(\s*)(.*?)(\s*)$/s.exec(text)!;
  return m[2] ? `${m[1]}${mark}${m[2]}${mark}${m[3]}` : text;
}

/** A text node with its marks: code, strong, em, strike, sub/sup and links (colours and annotations carry no text). */
function textNode(node: AdfNode): string {
  let s = node.text ?? '';
  const marks = node.marks ?? [];
  const has = (t: string) => marks.find((m) => m.type === t);
  if (has('code')) s = `\`${s}\``;
  if (has('strong')) s = wrap(s, '**');
  if (has('em')) s = wrap(s, '_');
  if (has('strike')) s = wrap(s, '~~');
  const subsup = has('subsup');
  if (subsup) s = subsup.attrs?.type === 'sup' ? `^${s}^` : `~${s}~`;
  const link = has('link');
  const href = str(link?.attrs?.href);
  if (href) s = `[${s}](${href})`;
  return s;
}

/** A date node's `timestamp` (milliseconds since the epoch, as a string) as `YYYY-MM-DD` (UTC, as Atlassian shows it). */
function dateOf(ts: unknown): string {
  const n = Number(ts);
  return Number.isFinite(n) ? new Date(n).toISOString().slice(0, 10) : String(ts ?? '');
}

/** A media node as a link: the caller's URL for it (an attachment) or an external URL, named by its alt text. */
function media(node: AdfNode, ctx: AdfContext): string {
  const a = node.attrs ?? {};
  const name = str(a.alt) ?? str(a.id) ?? 'attachment';
  const url = ctx.mediaUrl?.(a) ?? (a.type === 'external' ? str(a.url) : undefined);
  return url ? `[📎 ${name}](${url})` : `📎 ${name}`;
}

function inline(nodes: AdfNode[] | undefined, ctx: AdfContext): string {
  return (nodes ?? []).map((n) => inlineNode(n, ctx)).join('');
}

function inlineNode(node: AdfNode, ctx: AdfContext): string {
  const a = node.attrs ?? {};
  switch (node.type) {
    case 'text':
      return textNode(node);
    case 'hardBreak':
      return '\n';
    case 'mention': {
      const name = str(a.text)?.replace(/^@/, '') ?? ctx.userName?.(String(a.id)) ?? 'someone';
      return `@${name}`;
    }
    case 'emoji':
      return str(a.text) ?? str(a.shortName) ?? '';
    case 'date':
      return dateOf(a.timestamp);
    case 'status':
      return `[${String(a.text ?? '').toUpperCase()}]`;
    case 'inlineCard': {
      const url = str(a.url);
      return url ? `[${url}](${url})` : '';
    }
    case 'placeholder':
      // Placeholder text is a hint shown in an empty template, not content.
      return '';
    case 'inlineExtension':
      return str(a.text) ?? '';
    case 'mediaInline':
      return media(node, ctx);
    default:
      return node.content ? inline(node.content, ctx) : (node.text ?? '');
  }
}

const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');

/** A list item: its first block on the marker's line, the rest (nested lists, more paragraphs) indented under it. */
function listItem(marker: string, item: AdfNode, ctx: AdfContext): string {
  const body = blocks(item.content, ctx, true);
  const pad = ' '.repeat(marker.length + 1);
  const [first, ...rest] = body.split('\n');
  return [`${marker} ${first ?? ''}`, ...rest.map((l) => (l ? pad + l : l))].join('\n');
}

function table(node: AdfNode, ctx: AdfContext): string {
  const rows = (node.content ?? []).map((row) =>
    (row.content ?? []).map((cell) => blocks(cell.content, ctx, true).replace(/\n+/g, ' ').replace(/\|/g, '\\|')),
  );
  if (!rows.length) return '';
  const width = Math.max(...rows.map((r) => r.length));
  const line = (r: string[]) => `| ${Array.from({ length: width }, (_, i) => r[i] ?? '').join(' | ')} |`;
  return [line(rows[0]!), line(Array(width).fill('---')), ...rows.slice(1).map(line)].join('\n');
}

const PANEL_LABELS: Record<string, string> = {
  info: 'Info',
  note: 'Note',
  tip: 'Tip',
  warning: 'Warning',
  error: 'Error',
  success: 'Success',
  custom: 'Note',
};

function blockNode(node: AdfNode, ctx: AdfContext): string {
  const a = node.attrs ?? {};
  switch (node.type) {
    case 'paragraph':
      return inline(node.content, ctx);
    case 'heading':
      return `${'#'.repeat(Math.min(6, Math.max(1, Number(a.level) || 1)))} ${inline(node.content, ctx)}`;
    case 'bulletList':
      return (node.content ?? []).map((i) => listItem('-', i, ctx)).join('\n');
    case 'orderedList': {
      const start = Number(a.order ?? 1) || 1;
      return (node.content ?? []).map((i, k) => listItem(`${start + k}.`, i, ctx)).join('\n');
    }
    case 'taskList':
      return (node.content ?? [])
        .map((i) =>
          i.type === 'taskItem'
            ? `- [${i.attrs?.state === 'DONE' ? 'x' : ' '}] ${inline(i.content, ctx)}`
            : indent(blockNode(i, ctx), '  '),
        )
        .join('\n');
    case 'taskItem':
      return `- [${a.state === 'DONE' ? 'x' : ' '}] ${inline(node.content, ctx)}`;
    case 'decisionList':
      return (node.content ?? []).map((i) => `- ✔ Decision: ${inline(i.content, ctx)}`).join('\n');
    case 'decisionItem':
      return `- ✔ Decision: ${inline(node.content, ctx)}`;
    case 'codeBlock': {
      const code = (node.content ?? []).map((t) => t.text ?? '').join('');
      return `\`\`\`${str(a.language) ?? ''}\n${code}\n\`\`\``;
    }
    case 'blockquote':
      return indent(blocks(node.content, ctx), '> ');
    case 'panel': {
      const label = PANEL_LABELS[String(a.panelType)] ?? 'Note';
      return indent(`**${label}:** ${blocks(node.content, ctx)}`, '> ');
    }
    case 'rule':
      return '---';
    case 'table':
      return table(node, ctx);
    case 'mediaSingle':
    case 'mediaGroup':
      return (node.content ?? [])
        .map((m) => (m.type === 'caption' ? `_${inline(m.content, ctx)}_` : media(m, ctx)))
        .join('\n');
    case 'media':
      return media(node, ctx);
    case 'caption':
      return `_${inline(node.content, ctx)}_`;
    case 'blockCard':
    case 'embedCard': {
      const url = str(a.url);
      return url ? `[${url}](${url})` : '';
    }
    case 'expand':
    case 'nestedExpand': {
      const body = blocks(node.content, ctx);
      return `▸ ${str(a.title) ?? 'Details'}${body ? `\n${indent(body, '  ')}` : ''}`;
    }
    case 'layoutSection':
    case 'layoutColumn':
    case 'bodiedExtension':
      return blocks(node.content, ctx);
    case 'extension':
      // A macro without a body (table of contents, Jira issue list …): its text when it carries one.
      return str(a.text) ?? '';
    default:
      return node.content ? blocks(node.content, ctx) : inlineNode(node, ctx);
  }
}

/** Block siblings separated by a blank line (`tight`: by a newline, inside list items and table cells). */
function blocks(nodes: AdfNode[] | undefined, ctx: AdfContext, tight = false): string {
  return (nodes ?? [])
    .map((n) => blockNode(n, ctx))
    .filter((s) => s !== '')
    .join(tight ? '\n' : '\n\n');
}

/**
 * An ADF document (or any node) as Markdown. Not a document (a string from an older API, null): its text as is.
 * @example adfToMarkdown({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hi' }] }] }) // 'Hi'
 */
export function adfToMarkdown(doc: unknown, ctx: AdfContext = {}): string {
  if (doc === null || doc === undefined) return '';
  if (typeof doc === 'string') return doc;
  const node = doc as AdfNode;
  if (typeof node.type !== 'string') return '';
  return (node.type === 'doc' ? blocks(node.content, ctx) : blockNode(node, ctx)).trim();
}

/** The account ids a document mentions (to look up names the mentions lack). */
export function adfMentions(doc: unknown): string[] {
  const out = new Set<string>();
  const walk = (n: AdfNode | undefined) => {
    if (!n || typeof n !== 'object') return;
    if (n.type === 'mention' && typeof n.attrs?.id === 'string') out.add(n.attrs.id);
    for (const c of n.content ?? []) walk(c);
  };
  walk(doc as AdfNode);
  return [...out];
}
