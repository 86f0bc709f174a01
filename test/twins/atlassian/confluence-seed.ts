import { adfEverything, doc, para, text } from './adf.js';
import { ConfluenceState, type TwinBody } from './confluence-state.js';

export interface ConfluenceSeedOptions {
  spaces?: number;
  pagesPerSpace?: number;
  /** Versions of every page (1 = never edited). */
  versionsPerPage?: number;
  blogPostsPerSpace?: number;
  /** Footer comments per page (every other page also gets an inline comment). */
  commentsPerPage?: number;
}

export interface ConfluenceSeed {
  state: ConfluenceState;
  spaceKeys: string[];
  pageIds: string[];
  blogPostIds: string[];
  commentIds: string[];
}

/** The storage-format (XHTML) twin of {@link adfEverything}'s main features: macros, links, tasks, a table. */
export const STORAGE_RICH = [
  '<h2>Release plan</h2>',
  '<p>Owner: <ac:link><ri:user ri:account-id="acc-ada" /></ac:link>, due <time datetime="2026-01-01" />. See <a href="https://example.com/docs">the docs</a> and <ac:link><ri:page ri:content-title="Runbook" /><ac:plain-text-link-body><![CDATA[the runbook]]></ac:plain-text-link-body></ac:link>.</p>',
  '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">sql</ac:parameter><ac:plain-text-body><![CDATA[SELECT 1 < 2;]]></ac:plain-text-body></ac:structured-macro>',
  '<ac:structured-macro ac:name="warning"><ac:parameter ac:name="title">Careful</ac:parameter><ac:rich-text-body><p>Freeze starts Friday</p></ac:rich-text-body></ac:structured-macro>',
  '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>Write tests</ac:task-body></ac:task><ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Ship</ac:task-body></ac:task></ac:task-list>',
  '<table><tbody><tr><th>Item</th><th>Cost</th></tr><tr><td>CI</td><td>120</td></tr></tbody></table>',
  '<ac:image><ri:attachment ri:filename="diagram.png" /></ac:image>',
  '<ac:structured-macro ac:name="toc" />',
  '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Details</ac:parameter><ac:rich-text-body><p>Hidden text</p></ac:rich-text-body></ac:structured-macro>',
].join('');

const TOPICS = ['onboarding', 'incident review', 'architecture', 'release notes', 'hiring plan'];

/** A plain body (both representations) for page `n`, version `v`. */
export function simpleBody(label: string, v: number): TwinBody {
  const line = `${label}, version ${v}: notes about ${TOPICS[v % TOPICS.length]}.`;
  return {
    adf: doc({ type: 'heading', attrs: { level: 1 }, content: [text(label)] }, para(text(line)), {
      type: 'bulletList',
      content: [{ type: 'listItem', content: [para(text(`Point ${v}`))] }],
    }),
    storage: `<h1>${label}</h1><p>${line}</p><ul><li><p>Point ${v}</p></li></ul>`,
  };
}

export const commentBodyOf = (label: string): TwinBody => ({
  adf: doc(para(text(label))),
  storage: `<p>${label}</p>`,
});

/**
 * A site: spaces of pages in trees (every fifth page a root, the next four its children), each page with
 * `versionsPerPage` versions; blog posts; footer comments on every page and an inline comment on every other one.
 * The first page of each space uses every ADF node type (and the rich storage document).
 */
export function seedConfluenceSite(options: ConfluenceSeedOptions = {}): ConfluenceSeed {
  const { spaces = 2, pagesPerSpace = 10, versionsPerPage = 2, blogPostsPerSpace = 2, commentsPerPage = 1 } = options;
  const state = new ConfluenceState();
  const out: ConfluenceSeed = { state, spaceKeys: [], pageIds: [], blogPostIds: [], commentIds: [] };
  for (let s = 0; s < spaces; s++) {
    const key = ['ENG', 'OPS', 'HR', 'SALES', 'DOCS'][s] ?? `S${s}`;
    const space = state.addSpace(key, `${key} space`);
    out.spaceKeys.push(key);
    let root: string | null = null;
    for (let n = 0; n < pagesPerSpace; n++) {
      const title = `${key} page ${n}`;
      const first = n === 0 ? { adf: adfEverything('acc-ada'), storage: STORAGE_RICH } : simpleBody(title, 1);
      const page = state.add({
        kind: 'page',
        spaceId: space.id,
        parentId: n % 5 === 0 ? null : root,
        title,
        body: first,
      });
      if (n % 5 === 0) root = page.id;
      out.pageIds.push(page.id);
    }
    for (let b = 0; b < blogPostsPerSpace; b++)
      out.blogPostIds.push(
        state.add({
          kind: 'blogpost',
          spaceId: space.id,
          title: `${key} news ${b}`,
          body: simpleBody(`${key} news ${b}`, 1),
        }).id,
      );
  }
  // Later versions come after every page exists, as edits do on a real site.
  // The rich first pages keep their body (their versions differ by the message only).
  for (let v = 2; v <= versionsPerPage; v++)
    for (const id of out.pageIds) {
      const first = state.contents.get(id)!.versions[0]!;
      const rich = first.body.storage === STORAGE_RICH;
      state.edit(id, { body: rich ? first.body : simpleBody(first.title, v), message: `edit ${v}` });
    }
  out.pageIds.forEach((id, n) => {
    for (let k = 0; k < commentsPerPage; k++)
      out.commentIds.push(state.comment(id, 'footer', commentBodyOf(`Footer comment ${k} on page ${n}`)).id);
    if (n % 2 === 0)
      out.commentIds.push(
        state.comment(id, 'inline', commentBodyOf(`Inline remark on page ${n}`), 'acc-grace', 'notes about').id,
      );
  });
  return out;
}
