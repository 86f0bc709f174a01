import type { Item } from '@tributary/sdk';
import {
  blocksToMarkdown,
  plainOf,
  richToMarkdown,
  type ApiRichText,
  type BlockNode,
  type RenderContext,
} from './markdown.js';

/** A page object as search and pages.retrieve return it (only the fields read). */
export interface ApiPage {
  object: 'page';
  id: string;
  created_time: string;
  last_edited_time: string;
  in_trash?: boolean;
  archived?: boolean;
  url?: string;
  parent: { type: string; page_id?: string; data_source_id?: string; database_id?: string; block_id?: string };
  properties: Record<string, ApiProperty>;
}

/** A data source object of the 2025-09-03 edition. */
export interface ApiDataSource {
  object: 'data_source';
  id: string;
  created_time: string;
  last_edited_time: string;
  in_trash?: boolean;
  archived?: boolean;
  url?: string;
  title: ApiRichText[];
  description?: ApiRichText[];
  properties: Record<string, { id: string; name: string; type: string }>;
  parent?: { type: string; database_id?: string };
}

export interface ApiProperty {
  id: string;
  type: string;
  [value: string]: unknown;
}

/** A page's title: its `title` property, whatever the property is named. */
export function titleOfPage(page: ApiPage): string {
  const prop = Object.values(page.properties).find((p) => p.type === 'title');
  return plainOf(prop?.title as ApiRichText[] | undefined).trim() || 'Untitled';
}

export const titleOfDataSource = (ds: ApiDataSource): string => plainOf(ds.title).trim() || 'Untitled data source';

const named = (v: unknown): string => (v as { name?: string } | null)?.name ?? '';

function dateText(d: unknown): string {
  const v = d as { start?: string; end?: string | null } | null;
  if (!v?.start) return '';
  return v.end ? `${v.start} → ${v.end}` : v.start;
}

/** One property value as inline text (https://developers.notion.com/reference/property-value-object). */
export function propertyText(p: ApiProperty): string {
  const v = p[p.type];
  switch (p.type) {
    case 'title':
    case 'rich_text':
      return richToMarkdown(v as ApiRichText[]);
    case 'select':
    case 'status':
      return named(v);
    case 'multi_select':
      return ((v as unknown[]) ?? []).map(named).join(', ');
    case 'number':
      return v === null || v === undefined ? '' : String(v);
    case 'checkbox':
      return v ? 'Yes' : 'No';
    case 'date':
      return dateText(v);
    case 'people':
      return ((v as unknown[]) ?? []).map((u) => named(u) || 'Unknown user').join(', ');
    case 'created_by':
    case 'last_edited_by':
      return named(v);
    case 'url':
    case 'email':
    case 'phone_number':
    case 'created_time':
    case 'last_edited_time':
      return (v as string | null) ?? '';
    case 'files':
      return ((v as unknown[]) ?? []).map(named).join(', ');
    case 'relation':
      return `${((v as unknown[]) ?? []).length} linked`;
    case 'unique_id': {
      const u = v as { prefix?: string | null; number?: number | null } | null;
      return u?.number === null || u?.number === undefined ? '' : `${u.prefix ? `${u.prefix}-` : ''}${u.number}`;
    }
    case 'formula': {
      const f = v as { type?: string; [k: string]: unknown } | null;
      if (!f?.type) return '';
      const x = f[f.type];
      return f.type === 'date' ? dateText(x) : x === null || x === undefined ? '' : String(x);
    }
    default:
      return '';
  }
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A row's properties as a two-column Markdown table, in the data source's column order when known. */
export function propertiesTable(page: ApiPage, order: string[] | undefined): string {
  const names = Object.keys(page.properties);
  const sorted = order
    ? [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n))]
    : names;
  const lines = ['| Property | Value |', '| --- | --- |'];
  for (const name of sorted) lines.push(`| ${cell(name)} | ${cell(propertyText(page.properties[name]!))} |`);
  return lines.join('\n');
}

/** Where a page lives, for `container`: the parent page's or data source's title (`Notion` at the top). */
export interface PagePlace {
  container: string;
  /** Column order of the data source a row belongs to. */
  columns?: string[];
}

/** A plain page or a data source row as an item: Markdown of its blocks (rows: the property table first). */
export function toPageItem(page: ApiPage, blocks: BlockNode[], place: PagePlace, render: RenderContext): Item {
  const isRow = page.parent.type === 'data_source_id';
  const title = titleOfPage(page);
  const body = blocksToMarkdown(blocks, render);
  const content = isRow ? [propertiesTable(page, place.columns), body].filter(Boolean).join('\n\n') : body;
  const properties = isRow
    ? Object.fromEntries(Object.entries(page.properties).map(([k, p]) => [k, propertyText(p)]))
    : undefined;
  return {
    externalId: page.id,
    stream: isRow ? 'rows' : 'pages',
    content: content || title,
    contentType: 'markdown',
    title,
    url: page.url ?? `https://www.notion.so/${page.id.replace(/-/g, '')}`,
    occurredAt: page.last_edited_time,
    container: place.container,
    metadata: {
      createdTime: page.created_time,
      lastEditedTime: page.last_edited_time,
      parentType: page.parent.type,
      parentId: page.parent.page_id ?? page.parent.data_source_id ?? page.parent.block_id ?? null,
      ...(properties ? { properties } : {}),
    },
  };
}

/** A data source (a database's table) as an item: its title, description and columns. */
export function toDataSourceItem(ds: ApiDataSource): Item {
  const title = titleOfDataSource(ds);
  const description = richToMarkdown(ds.description);
  const columns = Object.values(ds.properties).map((p) => `| ${cell(p.name)} | ${p.type} |`);
  const content = [
    `# ${title}`,
    description,
    columns.length ? ['| Column | Type |', '| --- | --- |', ...columns].join('\n') : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    externalId: ds.id,
    stream: 'data-sources',
    content,
    contentType: 'markdown',
    title,
    url: ds.url ?? `https://www.notion.so/${ds.id.replace(/-/g, '')}`,
    occurredAt: ds.last_edited_time,
    container: 'Notion',
    metadata: {
      createdTime: ds.created_time,
      lastEditedTime: ds.last_edited_time,
      databaseId: ds.parent?.database_id ?? null,
      columns: Object.keys(ds.properties),
    },
  };
}
