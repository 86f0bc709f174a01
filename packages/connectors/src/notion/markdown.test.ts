import { describe, expect, it } from 'vitest';
import { blocksToMarkdown, richToMarkdown, type ApiBlock, type ApiRichText, type BlockNode } from './markdown.js';
import { propertiesTable, type ApiPage } from './map.js';

const t = (plain: string, annotations: ApiRichText['annotations'] = {}, href: string | null = null): ApiRichText => ({
  type: 'text',
  plain_text: plain,
  annotations,
  href,
});
const block = (type: string, payload: Record<string, unknown>, id = `id-${type}`): ApiBlock => ({
  id,
  type,
  [type]: payload,
});
const node = (b: ApiBlock, children: BlockNode[] = []): BlockNode => ({ block: b, children });
const rich = (...r: ApiRichText[]) => ({ rich_text: r });

describe('notion rich text to markdown', () => {
  it('renders annotations, links, page mentions as links, user and date mentions as text, equations', () => {
    const md = richToMarkdown([
      t('Read '),
      t('the spec', {}, 'https://example.com/spec'),
      t(' — '),
      t('important ', { bold: true }),
      t('npm test', { code: true }),
      t(' old', { strikethrough: true, italic: true }),
      { type: 'mention', mention: { type: 'page' }, plain_text: 'Roadmap', href: 'https://www.notion.so/abc' },
      { type: 'mention', mention: { type: 'user' }, plain_text: '@Ada', href: null },
      { type: 'mention', mention: { type: 'date' }, plain_text: '2026-02-01', href: null },
      { type: 'equation', equation: { expression: 'a^2' }, plain_text: 'a^2' },
    ]);
    expect(md).toBe(
      'Read [the spec](https://example.com/spec) — **important** `npm test` ~~_old_~~[Roadmap](https://www.notion.so/abc)@Ada2026-02-01$a^2$',
    );
  });
});

describe('notion blocks to markdown', () => {
  it('renders every block kind of a realistic page, nested children included', () => {
    const tree: BlockNode[] = [
      node(block('heading_1', rich(t('Plan')))),
      node(block('paragraph', rich(t('Intro')))),
      node(block('heading_2', rich(t('Tasks')))),
      node(block('to_do', { ...rich(t('Ship')), checked: true })),
      node(block('to_do', { ...rich(t('Docs')), checked: false })),
      node(block('bulleted_list_item', rich(t('Point'))), [node(block('bulleted_list_item', rich(t('Sub point'))))]),
      node(block('numbered_list_item', rich(t('One')), 'n1')),
      node(block('numbered_list_item', rich(t('Two')), 'n2')),
      node(block('toggle', rich(t('Details'))), [node(block('paragraph', rich(t('Hidden'))))]),
      node(block('callout', { ...rich(t('Heads up')), icon: { type: 'emoji', emoji: '💡' } })),
      node(block('quote', rich(t('Keep it simple')))),
      node(block('code', { ...rich(t('const a = 1;\nconst b = 2;')), language: 'typescript' })),
      node(block('code', { ...rich(t('plain')), language: 'plain text' }, 'c2')),
      node(block('equation', { expression: 'E = mc^2' })),
      node(block('table', { table_width: 2, has_column_header: true }), [
        node(block('table_row', { cells: [[t('Item')], [t('Cost | net')]] }, 'r1')),
        node(block('table_row', { cells: [[t('Servers')], [t('1200')]] }, 'r2')),
      ]),
      node(block('divider', {})),
      node(block('child_page', { title: 'Sub page' }, 'aaaa-bbbb')),
      node(block('child_database', { title: 'Tasks db' }, 'cccc-dddd')),
      node(block('link_to_page', { type: 'page_id', page_id: 'eeee-ffff' })),
      node(block('link_to_page', { type: 'page_id', page_id: 'gone-0000' }, 'l2')),
      node(block('bookmark', { url: 'https://example.com/board', caption: [] })),
      node(block('image', { type: 'external', external: { url: 'https://example.com/a.png' }, caption: [t('Chart')] })),
      node(block('column_list', {}), [
        node(block('column', {}), [node(block('paragraph', rich(t('In a column')), 'p2'))]),
      ]),
      node(block('table_of_contents', {})),
      node(block('unsupported', {})),
    ];
    const md = blocksToMarkdown(tree, { titleOf: (id) => (id === 'eeee-ffff' ? 'Linked page' : undefined) });
    expect(md).toBe(
      [
        '# Plan',
        'Intro',
        '## Tasks',
        '- [x] Ship\n- [ ] Docs\n- Point\n  - Sub point\n1. One\n2. Two',
        '▸ Details\n  Hidden',
        '> 💡 Heads up',
        '> Keep it simple',
        '```typescript\nconst a = 1;\nconst b = 2;\n```',
        '```\nplain\n```',
        '$$\nE = mc^2\n$$',
        '| Item | Cost \\| net |\n| --- | --- |\n| Servers | 1200 |',
        '---',
        '[Sub page](https://www.notion.so/aaaabbbb)',
        '[Tasks db](https://www.notion.so/ccccdddd)',
        '[Linked page](https://www.notion.so/eeeeffff)',
        '[Untitled](https://www.notion.so/gone0000)',
        '[https://example.com/board](https://example.com/board)',
        '![Chart](https://example.com/a.png)',
        'In a column',
      ].join('\n\n'),
    );
  });

  it("renders a row's properties as a table in the data source's column order", () => {
    const page = {
      object: 'page',
      id: 'row',
      created_time: '2026-01-01T00:00:00.000Z',
      last_edited_time: '2026-01-01T00:00:00.000Z',
      parent: { type: 'data_source_id', data_source_id: 'ds' },
      properties: {
        Tags: { id: 'a', type: 'multi_select', multi_select: [{ name: 'x' }, { name: 'y' }] },
        Name: { id: 'title', type: 'title', title: [t('Task | 1')] },
        Done: { id: 'b', type: 'checkbox', checkbox: true },
        Due: { id: 'c', type: 'date', date: { start: '2026-03-01', end: '2026-03-02' } },
        Owner: { id: 'd', type: 'people', people: [{ name: 'Ada' }] },
        Points: { id: 'e', type: 'number', number: 3 },
        Id: { id: 'f', type: 'unique_id', unique_id: { prefix: 'T', number: 7 } },
        Score: { id: 'g', type: 'formula', formula: { type: 'number', number: 42 } },
      },
    } as unknown as ApiPage;
    expect(propertiesTable(page, ['Name', 'Done', 'Tags'])).toBe(
      [
        '| Property | Value |',
        '| --- | --- |',
        '| Name | Task \\| 1 |',
        '| Done | Yes |',
        '| Tags | x, y |',
        '| Due | 2026-03-01 → 2026-03-02 |',
        '| Owner | Ada |',
        '| Points | 3 |',
        '| Id | T-7 |',
        '| Score | 42 |',
      ].join('\n'),
    );
  });
});
