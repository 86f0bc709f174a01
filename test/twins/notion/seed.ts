import { NotionState, type TwinBlock, type TwinPage, type TwinRich, type TwinValue } from './state.js';

export interface NotionSeedOptions {
  /** Plain pages (every tenth a root with nine children below it). @default 20 */
  pages?: number;
  /** Top-level blocks per plain page. @default 30 */
  blocksPerPage?: number;
  dataSources?: number;
  rowsPerSource?: number;
}

export interface NotionSeed {
  state: NotionState;
  pageIds: string[];
  dataSourceIds: string[];
  rowIds: string[];
  userIds: string[];
}

const TOPICS = ['the launch plan', 'hiring', 'the Q3 budget', 'the data migration', 'onboarding', 'the roadmap'];
const text = (t: string, extra: Partial<Extract<TwinRich, { kind: 'text' }>> = {}): TwinRich => ({
  kind: 'text',
  text: t,
  ...extra,
});

/** Top-level blocks only nest where Notion nests: list items, toggles and tables (rows are the table's children). */
function pageBlocks(state: NotionState, title: string, n: number, others: string[], userId: string): TwinBlock[] {
  const id = () => state.nextId(0xc);
  const other = others[0];
  const fixed: TwinBlock[] = [
    {
      id: id(),
      type: 'heading_1',
      rich: [text(`Overview of ${title}`)],
      data: { is_toggleable: false, color: 'default' },
    },
    {
      id: id(),
      type: 'paragraph',
      rich: [
        text('See '),
        ...(other ? [{ kind: 'page', id: other } as TwinRich] : []),
        text(' and ask '),
        { kind: 'user', id: userId },
        text(' by '),
        { kind: 'date', start: '2026-02-01' },
        text('; read '),
        text('the spec', { link: 'https://example.com/spec' }),
        text(' — it is '),
        text('important', { bold: true }),
        text(' to run '),
        text('npm test', { code: true }),
        text('.'),
      ],
      data: { color: 'default' },
    },
    { id: id(), type: 'heading_2', rich: [text('Tasks')], data: { is_toggleable: false, color: 'default' } },
    { id: id(), type: 'to_do', rich: [text('Ship the importer')], data: { checked: true, color: 'default' } },
    { id: id(), type: 'to_do', rich: [text('Write the docs')], data: { checked: false, color: 'default' } },
    {
      id: id(),
      type: 'bulleted_list_item',
      rich: [text('First point')],
      data: { color: 'default' },
      children: [{ id: id(), type: 'bulleted_list_item', rich: [text('Nested point')], data: { color: 'default' } }],
    },
    { id: id(), type: 'numbered_list_item', rich: [text('Step one')], data: { color: 'default' } },
    { id: id(), type: 'numbered_list_item', rich: [text('Step two')], data: { color: 'default' } },
    {
      id: id(),
      type: 'toggle',
      rich: [text('Details')],
      data: { color: 'default' },
      children: [{ id: id(), type: 'paragraph', rich: [text('Hidden detail inside the toggle')], data: {} }],
    },
    {
      id: id(),
      type: 'callout',
      rich: [text('Heads up: the budget is tight')],
      data: { icon: { type: 'emoji', emoji: '💡' }, color: 'gray_background' },
    },
    { id: id(), type: 'quote', rich: [text('Make it simple, then make it fast.')], data: { color: 'default' } },
    {
      id: id(),
      type: 'code',
      rich: [text('const total = items.reduce((a, b) => a + b, 0);')],
      data: { language: 'typescript', caption: [] },
    },
    { id: id(), type: 'equation', data: { expression: 'E = mc^2' } },
    {
      id: id(),
      type: 'table',
      data: { table_width: 2, has_column_header: true, has_row_header: false },
      children: [
        { id: id(), type: 'table_row', data: { cells: [[text('Item')], [text('Cost')]] } },
        { id: id(), type: 'table_row', data: { cells: [[text('Servers')], [text('1200')]] } },
      ],
    },
    { id: id(), type: 'divider', data: {} },
    ...(other ? [{ id: id(), type: 'link_to_page', data: { type: 'page_id', page_id: other } }] : []),
    { id: id(), type: 'bookmark', data: { url: 'https://example.com/board', caption: [] } },
    { id: id(), type: 'heading_3', rich: [text('Notes')], data: { is_toggleable: false, color: 'default' } },
  ];
  const out = fixed.slice(0, n);
  for (let k = out.length; k < n; k++)
    out.push({
      id: id(),
      type: 'paragraph',
      rich: [text(`Paragraph ${k} of ${title}: notes about ${TOPICS[k % TOPICS.length]}.`)],
      data: { color: 'default' },
    });
  return out;
}

const COLUMNS: Array<[string, TwinValue['type']]> = [
  ['Name', 'title'],
  ['Status', 'select'],
  ['Tags', 'multi_select'],
  ['Points', 'number'],
  ['Done', 'checkbox'],
  ['Due', 'date'],
  ['Owner', 'people'],
  ['Link', 'url'],
  ['Notes', 'rich_text'],
];

/**
 * A workspace shared with the integration: plain pages in trees of ten (a root and nine children, linked with
 * `child_page` blocks), each with a realistic block tree, and data sources whose rows carry every common property
 * type plus a short body.
 */
export function seedNotionWorkspace(options: NotionSeedOptions = {}): NotionSeed {
  const { pages = 20, blocksPerPage = 30, dataSources = 0, rowsPerSource = 0 } = options;
  const state = new NotionState();
  const userIds = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'].map(
    (name, i) => state.addUser({ id: `00000000-0000-4000-8000-0000000000${10 + i}`, name, type: 'person' }).id,
  );
  const pageIds: string[] = [];
  let root: TwinPage | undefined;
  for (let i = 0; i < pages; i++) {
    const title = `Page ${i}: ${TOPICS[i % TOPICS.length]}`;
    const parent = i % 10 === 0 || !root ? undefined : { type: 'page_id' as const, page_id: root.id };
    const blocks = pageBlocks(state, title, blocksPerPage, pageIds.slice(-1), userIds[i % userIds.length]!);
    const page = state.addPage({ title, blocks, ...(parent ? { parent } : {}) });
    if (!parent) root = page;
    else root!.blocks.push({ id: state.nextId(0xc), type: 'child_page', data: { title } });
    pageIds.push(page.id);
  }
  const dataSourceIds: string[] = [];
  const rowIds: string[] = [];
  for (let d = 0; d < dataSources; d++) {
    const ds = state.addDataSource({
      title: `Tracker ${d}`,
      description: `Work items of team ${d}`,
      columns: COLUMNS,
    });
    dataSourceIds.push(ds.id);
    for (let r = 0; r < rowsPerSource; r++) {
      const row = state.addPage({
        parent: { type: 'data_source_id', data_source_id: ds.id, database_id: ds.databaseId },
        title: `Task ${d}.${r}`,
        values: {
          Name: { type: 'title', rich: [text(`Task ${d}.${r}`)] },
          Status: { type: 'select', name: ['Todo', 'Doing', 'Done'][r % 3]! },
          Tags: { type: 'multi_select', names: r % 2 ? ['backend', 'urgent'] : ['frontend'] },
          Points: { type: 'number', value: (r % 8) + 1 },
          Done: { type: 'checkbox', value: r % 3 === 2 },
          Due: { type: 'date', start: r % 4 === 0 ? null : `2026-03-${String((r % 28) + 1).padStart(2, '0')}` },
          Owner: { type: 'people', ids: [userIds[r % userIds.length]!] },
          Link: { type: 'url', value: r % 5 === 0 ? `https://example.com/task/${r}` : null },
          Notes: { type: 'rich_text', rich: [text(`Notes on ${TOPICS[r % TOPICS.length]}`)] },
        },
        blocks: [
          {
            id: state.nextId(0xc),
            type: 'paragraph',
            rich: [text(`Context for task ${d}.${r}: ${TOPICS[(r + 1) % TOPICS.length]}.`)],
            data: {},
          },
        ],
      });
      rowIds.push(row.id);
    }
  }
  return { state, pageIds, dataSourceIds, rowIds, userIds };
}
