/**
 * ADF documents for the Atlassian twins: a document using every node type and mark of the ADF JSON schema
 * (`testdata/specs/atlassian/adf-schema.json`), and small realistic ones for seeded issues, comments and pages.
 */

type Node = Record<string, unknown>;

export const text = (t: string, marks?: Node[]): Node => ({ type: 'text', text: t, ...(marks ? { marks } : {}) });
export const para = (...content: Node[]): Node => ({ type: 'paragraph', content });
export const doc = (...content: Node[]): Node => ({ type: 'doc', version: 1, content });

/** Every node type the ADF schema defines, each at least once, and every mark; valid against the schema. */
export function adfEverything(accountId: string): Node {
  const li = (...content: Node[]): Node => ({ type: 'listItem', content });
  return doc(
    {
      type: 'heading',
      attrs: { level: 2 },
      content: [text('Release plan')],
      marks: [{ type: 'alignment', attrs: { align: 'center' } }],
    },
    {
      type: 'paragraph',
      marks: [{ type: 'indentation', attrs: { level: 1 } }],
      content: [
        text('Owner: '),
        { type: 'mention', attrs: { id: accountId, text: '@Ada Lovelace', accessLevel: '' } },
        text(', due '),
        { type: 'date', attrs: { timestamp: '1767225600000' } },
        text(' '),
        { type: 'status', attrs: { text: 'in progress', color: 'blue' } },
        text(' '),
        { type: 'emoji', attrs: { shortName: ':rocket:', id: '1f680', text: '🚀' } },
        { type: 'hardBreak' },
        text('bold', [{ type: 'strong' }]),
        text(' '),
        text('italic', [{ type: 'em' }]),
        text(' '),
        text('gone', [{ type: 'strike' }]),
        text(' '),
        text('2', [{ type: 'subsup', attrs: { type: 'sup' } }]),
        text(' '),
        text('underlined', [{ type: 'underline' }]),
        text(' '),
        text('red', [{ type: 'textColor', attrs: { color: '#ff0000' } }]),
        text(' '),
        text('marked', [{ type: 'backgroundColor', attrs: { color: '#ffff00' } }]),
        text(' '),
        text('noted', [{ type: 'annotation', attrs: { id: 'ann-1', annotationType: 'inlineComment' } }]),
        text(' '),
        text('npm ci', [{ type: 'code' }]),
        text(' see '),
        text('the docs', [{ type: 'link', attrs: { href: 'https://example.com/docs' } }]),
        text(' '),
        { type: 'inlineCard', attrs: { url: 'https://example.atlassian.net/browse/OPS-1' } },
        { type: 'placeholder', attrs: { text: 'Type here' } },
        {
          type: 'inlineExtension',
          attrs: { extensionKey: 'jira-issue', extensionType: 'com.atlassian.jira', text: 'OPS-2' },
        },
        text(' '),
        {
          type: 'mediaInline',
          attrs: { id: 'media-inline-1', collection: 'contentId-1', type: 'file', alt: 'log.txt' },
        },
      ],
    },
    {
      type: 'bulletList',
      content: [
        li(para(text('First')), { type: 'orderedList', attrs: { order: 3 }, content: [li(para(text('Third step')))] }),
        li(para(text('Second'))),
      ],
    },
    { type: 'orderedList', content: [li(para(text('One'))), li(para(text('Two')))] },
    {
      type: 'taskList',
      attrs: { localId: 'tl-1' },
      content: [
        { type: 'taskItem', attrs: { localId: 't-1', state: 'DONE' }, content: [text('Write tests')] },
        { type: 'taskItem', attrs: { localId: 't-2', state: 'TODO' }, content: [text('Ship')] },
      ],
    },
    {
      type: 'decisionList',
      attrs: { localId: 'dl-1' },
      content: [{ type: 'decisionItem', attrs: { localId: 'd-1', state: 'DECIDED' }, content: [text('Use Postgres')] }],
    },
    { type: 'codeBlock', attrs: { language: 'sql' }, content: [text('SELECT 1;\nSELECT 2;')] },
    {
      type: 'codeBlock',
      attrs: { language: 'bash' },
      marks: [{ type: 'breakout', attrs: { mode: 'wide' } }],
      content: [text('make deploy')],
    },
    { type: 'blockquote', content: [para(text('Quoted wisdom'))] },
    { type: 'panel', attrs: { panelType: 'warning' }, content: [para(text('Freeze starts Friday'))] },
    { type: 'rule' },
    {
      type: 'table',
      attrs: { isNumberColumnEnabled: false, layout: 'default' },
      marks: [{ type: 'fragment', attrs: { localId: 'frag-1', name: 'costs' } }],
      content: [
        {
          type: 'tableRow',
          content: [
            { type: 'tableHeader', content: [para(text('Item'))] },
            { type: 'tableHeader', content: [para(text('Cost'))] },
          ],
        },
        {
          type: 'tableRow',
          content: [
            { type: 'tableCell', content: [para(text('CI | runners'))] },
            { type: 'tableCell', content: [para(text('120'))] },
          ],
        },
      ],
    },
    {
      type: 'mediaSingle',
      attrs: { layout: 'center' },
      content: [
        {
          type: 'media',
          attrs: { type: 'file', id: 'media-1', collection: 'contentId-1', alt: 'diagram.png' },
          marks: [{ type: 'border', attrs: { size: 2, color: '#172b4d' } }],
        },
        { type: 'caption', content: [text('Architecture')] },
      ],
    },
    {
      type: 'mediaGroup',
      content: [{ type: 'media', attrs: { type: 'external', url: 'https://example.com/spec.pdf', alt: 'spec.pdf' } }],
    },
    { type: 'blockCard', attrs: { url: 'https://example.com/board' } },
    { type: 'embedCard', attrs: { url: 'https://example.com/video', layout: 'center' } },
    {
      type: 'expand',
      attrs: { title: 'Details' },
      content: [
        para(text('Hidden text')),
        { type: 'nestedExpand', attrs: { title: 'More' }, content: [para(text('Deeper text'))] },
      ],
    },
    {
      type: 'layoutSection',
      content: [
        { type: 'layoutColumn', attrs: { width: 50 }, content: [para(text('Left column'))] },
        { type: 'layoutColumn', attrs: { width: 50 }, content: [para(text('Right column'))] },
      ],
    },
    {
      type: 'extension',
      attrs: { extensionKey: 'toc', extensionType: 'com.atlassian.confluence.macro.core' },
      marks: [{ type: 'dataConsumer', attrs: { sources: ['src-1'] } }],
    },
    {
      type: 'bodiedExtension',
      attrs: { extensionKey: 'info', extensionType: 'com.atlassian.confluence.macro.core' },
      content: [para(text('Inside a macro'))],
    },
  );
}

/** The Markdown {@link adfEverything} renders to (media by alt text; the caller resolves URLs). */
export const ADF_EVERYTHING_MARKDOWN = [
  '## Release plan',
  'Owner: @Ada Lovelace, due 2026-01-01 [IN PROGRESS] 🚀\n**bold** _italic_ ~~gone~~ ^2^ underlined red marked noted `npm ci` see [the docs](https://example.com/docs) [https://example.atlassian.net/browse/OPS-1](https://example.atlassian.net/browse/OPS-1)OPS-2 📎 log.txt',
  '- First\n  3. Third step\n- Second',
  '1. One\n2. Two',
  '- [x] Write tests\n- [ ] Ship',
  '- ✔ Decision: Use Postgres',
  '```sql\nSELECT 1;\nSELECT 2;\n```',
  '```bash\nmake deploy\n```',
  '> Quoted wisdom',
  '> **Warning:** Freeze starts Friday',
  '---',
  '| Item | Cost |\n| --- | --- |\n| CI \\| runners | 120 |',
  '📎 diagram.png\n_Architecture_',
  '[📎 spec.pdf](https://example.com/spec.pdf)',
  '[https://example.com/board](https://example.com/board)',
  '[https://example.com/video](https://example.com/video)',
  '▸ Details\n  Hidden text\n\n  ▸ More\n    Deeper text',
  'Left column\n\nRight column',
  'Inside a macro',
].join('\n\n');

const TOPICS = ['login fails on Safari', 'slow dashboard', 'export to CSV', 'billing rounding', 'webhook retries'];

/** A short realistic description: a paragraph, steps to reproduce, a code block, a mention. */
export function issueDescription(n: number, accountId: string): Node {
  const topic = TOPICS[n % TOPICS.length]!;
  return doc(
    para(
      text(`Problem ${n}: ${topic}. Reported by `),
      { type: 'mention', attrs: { id: accountId, text: '@Grace Hopper' } },
      text('.'),
    ),
    {
      type: 'orderedList',
      content: [
        { type: 'listItem', content: [para(text('Open the app'))] },
        { type: 'listItem', content: [para(text(`Try ${topic}`))] },
      ],
    },
    { type: 'codeBlock', attrs: { language: 'text' }, content: [text(`error ${n}: ${topic}`)] },
  );
}

export const commentBody = (issue: number, k: number): Node =>
  doc(para(text(`Comment ${k} on problem ${issue}: `), text('looking into it', [{ type: 'em' }])));
