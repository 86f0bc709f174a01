/**
 * Notion rich text and block trees to Markdown: pure functions, unit-tested. The API shapes are those of the
 * 2025-09-03 edition (https://developers.notion.com/reference/block, /rich-text); only the fields read are typed.
 */

export interface ApiRichText {
  type: string;
  plain_text: string;
  href?: string | null;
  annotations?: { bold?: boolean; italic?: boolean; strikethrough?: boolean; code?: boolean };
  equation?: { expression: string };
  mention?: { type: string };
}

export interface ApiBlock {
  id: string;
  type: string;
  has_children?: boolean;
  [payload: string]: unknown;
}

/** A block with the children read below it. */
export interface BlockNode {
  block: ApiBlock;
  children: BlockNode[];
}

/** What rendering needs to know beyond the blocks: titles of linked pages (`link_to_page` carries only an id). */
export interface RenderContext {
  titleOf(id: string): string | undefined;
}

/** The page URL Notion uses for an id. */
export const notionPageUrl = (id: string): string => `https://www.notion.so/${id.replace(/-/g, '')}`;

function wrap(text: string, mark: string): string {
  // Markdown emphasis must hug the text: keep surrounding spaces outside the markers.
  const m = /^(\s*)(.*?)(\s*)$/s.exec(text)!;
  return m[2] ? `${m[1]}${mark}${m[2]}${mark}${m[3]}` : text;
}

/** One rich-text array to inline Markdown: annotations, links, mentions (as links to their page) and equations. */
export function richToMarkdown(rich: ApiRichText[] | undefined): string {
  if (!rich) return '';
  return rich
    .map((r) => {
      if (r.type === 'equation') return `$${r.equation?.expression ?? r.plain_text}$`;
      let s = r.plain_text;
      const a = r.annotations ?? {};
      if (a.code) s = `\`${s}\``;
      if (a.bold) s = wrap(s, '**');
      if (a.italic) s = wrap(s, '_');
      if (a.strikethrough) s = wrap(s, '~~');
      if (r.href && r.mention?.type !== 'user' && r.mention?.type !== 'date') s = `[${s}](${r.href})`;
      return s;
    })
    .join('');
}

const payloadOf = (b: ApiBlock): Record<string, unknown> => (b[b.type] ?? {}) as Record<string, unknown>;
const richOf = (b: ApiBlock): string => richToMarkdown(payloadOf(b).rich_text as ApiRichText[] | undefined);
const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');

/** A table block and its `table_row` children as a GFM table (the first row is the header either way). */
function table(node: BlockNode): string {
  const rows = node.children
    .filter((c) => c.block.type === 'table_row')
    .map((c) =>
      ((payloadOf(c.block).cells ?? []) as ApiRichText[][]).map((cell) =>
        richToMarkdown(cell).replace(/\|/g, '\\|').replace(/\n/g, ' '),
      ),
    );
  if (!rows.length) return '';
  const width = Math.max(...rows.map((r) => r.length));
  const line = (r: string[]) => `| ${Array.from({ length: width }, (_, i) => r[i] ?? '').join(' | ')} |`;
  return [line(rows[0]!), line(Array(width).fill('---')), ...rows.slice(1).map(line)].join('\n');
}

/** A file-like block (image, file, pdf, video, audio, embed, bookmark) as a link to where it lives. */
function fileLink(b: ApiBlock): string {
  const p = payloadOf(b);
  const url =
    (p.url as string | undefined) ??
    (p.external as { url?: string } | undefined)?.url ??
    (p.file as { url?: string } | undefined)?.url;
  const caption = richToMarkdown(p.caption as ApiRichText[] | undefined) || (p.name as string | undefined) || url;
  if (!url) return caption ? `(${b.type}: ${caption})` : '';
  return `${b.type === 'image' ? '!' : ''}[${caption}](${url})`;
}

const LIST_TYPES = new Set(['bulleted_list_item', 'numbered_list_item', 'to_do']);

/** One block (and what it nests) as Markdown; `n` is its number within a run of numbered items. */
function blockToMarkdown(node: BlockNode, ctx: RenderContext, n: number): string {
  const b = node.block;
  const p = payloadOf(b);
  const kids = () => blocksToMarkdown(node.children, ctx);
  const withKids = (head: string, prefix = '  ') => {
    const body = kids();
    return body ? `${head}\n${indent(body, prefix)}` : head;
  };
  switch (b.type) {
    case 'paragraph':
      return withKids(richOf(b));
    case 'heading_1':
    case 'heading_2':
    case 'heading_3': {
      const head = `${'#'.repeat(Number(b.type.slice(-1)))} ${richOf(b)}`;
      const body = kids();
      return body ? `${head}\n\n${body}` : head;
    }
    case 'bulleted_list_item':
      return withKids(`- ${richOf(b)}`);
    case 'numbered_list_item':
      return withKids(`${n}. ${richOf(b)}`, '   ');
    case 'to_do':
      return withKids(`- [${p.checked ? 'x' : ' '}] ${richOf(b)}`);
    case 'toggle':
      return withKids(`▸ ${richOf(b)}`);
    case 'quote':
      return indent(withKids(richOf(b), ''), '> ');
    case 'callout': {
      const icon = (p.icon as { type?: string; emoji?: string } | undefined)?.emoji;
      return indent(withKids(`${icon ? `${icon} ` : ''}${richOf(b)}`, ''), '> ');
    }
    case 'code': {
      const lang = String(p.language ?? '').replace(/^plain text$/, '');
      const code = ((p.rich_text as ApiRichText[] | undefined) ?? []).map((r) => r.plain_text).join('');
      return `\`\`\`${lang}\n${code}\n\`\`\``;
    }
    case 'equation':
      return `$$\n${String(p.expression ?? '')}\n$$`;
    case 'divider':
      return '---';
    case 'table':
      return table(node);
    case 'child_page':
      return `[${String(p.title ?? 'Untitled')}](${notionPageUrl(b.id)})`;
    case 'child_database':
      return `[${String(p.title ?? 'Untitled database')}](${notionPageUrl(b.id)})`;
    case 'link_to_page': {
      const id = (p.page_id ?? p.database_id ?? p.data_source_id) as string | undefined;
      return id ? `[${ctx.titleOf(id) ?? 'Untitled'}](${notionPageUrl(id)})` : '';
    }
    case 'bookmark':
    case 'embed':
    case 'link_preview':
    case 'image':
    case 'file':
    case 'pdf':
    case 'video':
    case 'audio':
      return fileLink(b);
    case 'column_list':
    case 'column':
    case 'synced_block':
    case 'template':
      return kids();
    default:
      // table_of_contents, breadcrumb, unsupported: nothing readable.
      return '';
  }
}

/** Sibling blocks to Markdown: list items of one run on consecutive lines, other blocks separated by a blank line. */
export function blocksToMarkdown(nodes: BlockNode[], ctx: RenderContext): string {
  let out = '';
  let prevList = false;
  let counter = 0;
  for (const node of nodes) {
    const type = node.block.type;
    counter = type === 'numbered_list_item' ? counter + 1 : 0;
    const text = blockToMarkdown(node, ctx, counter);
    if (!text) continue;
    const isList = LIST_TYPES.has(type);
    out += out ? (isList && prevList ? '\n' : '\n\n') : '';
    out += text;
    prevList = isList;
  }
  return out;
}

/** Plain text of a rich-text array (titles). */
export const plainOf = (rich: ApiRichText[] | undefined): string => (rich ?? []).map((r) => r.plain_text).join('');
