import { confluenceConnector } from '@tributary/connectors/confluence/index';
import { jiraConnector } from '@tributary/connectors/jira/index';
import { notionConnector } from '@tributary/connectors/notion/index';
import { type AnyConnector, type Credential } from '@tributary/sdk';
import { benchReadContext, drainItems, loadTestModule } from './bench-kit.js';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

async function getJson(url: string, headers: Record<string, string>, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return res.json();
}

/** Raw Notion: the same search pages and block-children calls (nested ones included) with plain fetch, no rendering. */
async function rawNotion(url: string): Promise<number> {
  const h = { authorization: 'Bearer secret_twin', 'notion-version': '2025-09-03' };
  const children = async (id: string): Promise<void> => {
    let cursor: string | undefined;
    do {
      const res = await getJson(
        `${url}/v1/blocks/${id}/children?page_size=100${cursor ? `&start_cursor=${cursor}` : ''}`,
        h,
      );
      for (const b of res.results) if (b.has_children && b.type !== 'child_page') await children(b.id);
      cursor = res.has_more ? res.next_cursor : undefined;
    } while (cursor);
  };
  let n = 0;
  let cursor: string | undefined;
  do {
    const res = await getJson(`${url}/v1/search`, h, {
      page_size: 100,
      sort: { timestamp: 'last_edited_time', direction: 'descending' },
      ...(cursor ? { start_cursor: cursor } : {}),
    });
    for (const r of res.results) {
      n++;
      if (r.object === 'page') await children(r.id);
    }
    cursor = res.has_more ? res.next_cursor : undefined;
  } while (cursor);
  return n;
}

/** Raw Jira: the same JQL search pages and per-issue comment listings with plain fetch, no conversion. */
async function rawJira(url: string): Promise<number> {
  const h = { authorization: `Basic ${Buffer.from('ada@example.com:jira-token').toString('base64')}` };
  let n = 0;
  let token: string | undefined;
  do {
    const q = new URLSearchParams({
      jql: 'project IS NOT EMPTY ORDER BY updated ASC, id ASC',
      maxResults: '100',
      expand: 'changelog',
    });
    if (token) q.set('nextPageToken', token);
    const res = await getJson(`${url}/rest/api/3/search/jql?${q.toString()}`, h);
    for (const issue of res.issues) {
      const c = await getJson(`${url}/rest/api/3/issue/${issue.id}/comment?maxResults=100`, h);
      n += 1 + c.comments.length;
    }
    token = res.isLast ? undefined : res.nextPageToken;
  } while (token);
  return n;
}

/** Raw Confluence: the same listings and older-version fetches with plain fetch, no conversion. */
async function rawConfluence(url: string, versions: number): Promise<number> {
  const h = { authorization: `Basic ${Buffer.from('ada@example.com:wiki-token').toString('base64')}` };
  let n = 0;
  for (const stream of ['pages', 'blogposts', 'footer-comments', 'inline-comments']) {
    let next: string | undefined = `/wiki/api/v2/${stream}?sort=-modified-date&limit=100&body-format=atlas_doc_format`;
    while (next) {
      const res: any = await getJson(`${url}${next}`, h);
      for (const r of res.results) {
        n++;
        if (stream === 'pages')
          for (let v = Math.max(1, r.version.number - versions + 1); v < r.version.number; v++) {
            await getJson(`${url}/wiki/api/v2/pages/${r.id}?version=${v}&body-format=atlas_doc_format`, h);
            n++;
          }
      }
      next = res._links?.next;
    }
  }
  return n;
}

async function measure(
  title: string,
  connector: AnyConnector,
  config: unknown,
  credential: Credential,
  raw: () => Promise<number>,
): Promise<void> {
  const calls = { n: 0 };
  const onCall = (n: number) => void (calls.n += n);
  // The baseline runs first: it warms the twin's code paths, which would otherwise count against the connector.
  const base = await timed(raw);
  const run = await timed(() =>
    drainItems(connector, benchReadContext(connector, config, { credential, onCall, countRequests: true })),
  );
  printTable(title, [
    ['items yielded', `${fmt(run.result)} in ${fmt(run.seconds, 1)} s = ${fmt(run.result / run.seconds)} items/s`],
    ['API calls', `${fmt(calls.n)} (${fmt(calls.n / Math.max(1, run.result), 2)} per item)`],
    ['raw fetch baseline', `${fmt(base.result)} objects in ${fmt(base.seconds, 1)} s (same calls, no mapping)`],
    ['ratio', `${fmt(run.seconds / base.seconds, 2)} × the raw baseline`],
    ['peak RSS (phase)', `${fmt(peakRssMb())} MB`],
  ]);
}

/**
 * `knowledge` phase: Notion (BENCH_NOTION_PAGES pages × 100 blocks, default 3,000, + 10 data sources ×
 * BENCH_NOTION_ROWS rows, default 1,000), Jira (3 projects × BENCH_JIRA_ISSUES issues, default 5,000, × 5 comments)
 * and Confluence (5 spaces × BENCH_CONFLUENCE_PAGES pages, default 2,000, × 3 versions) read from their twins, each
 * against a raw fetch of the same calls measured in the same run.
 */
export async function benchKnowledgePhase(): Promise<void> {
  const notion = await loadTestModule('test/twins/notion/index.ts');
  const atlassian = await loadTestModule('test/twins/atlassian/index.ts');
  const pages = Number(process.env.BENCH_NOTION_PAGES ?? 3000);
  const rows = Number(process.env.BENCH_NOTION_ROWS ?? 1000);
  const ns = notion.seedNotionWorkspace({ pages, blocksPerPage: 100, dataSources: 10, rowsPerSource: rows });
  const nt = await notion.startNotionTwin(ns.state, { record: false });
  try {
    await measure(
      `notion: ${fmt(pages)} pages × 100 blocks + 10 data sources × ${fmt(rows)} rows`,
      notionConnector,
      { baseUrl: nt.url },
      { kind: 'token', token: 'secret_twin' },
      () => rawNotion(nt.url),
    );
  } finally {
    await nt.close();
  }
  const issues = Number(process.env.BENCH_JIRA_ISSUES ?? 5000);
  const js = atlassian.seedJiraSite({ projects: 3, issuesPerProject: issues, commentsPerIssue: 5 });
  const jt = await atlassian.startJiraTwin(js.state, { record: false });
  try {
    await measure(
      `jira: 3 projects × ${fmt(issues)} issues × 5 comments`,
      jiraConnector,
      { siteUrl: jt.siteUrl },
      { kind: 'password', username: 'ada@example.com', password: 'jira-token' },
      () => rawJira(jt.url),
    );
  } finally {
    await jt.close();
  }
  const wiki = Number(process.env.BENCH_CONFLUENCE_PAGES ?? 2000);
  const cs = atlassian.seedConfluenceSite({
    spaces: 5,
    pagesPerSpace: wiki,
    versionsPerPage: 3,
    blogPostsPerSpace: 20,
    commentsPerPage: 1,
  });
  const ct = await atlassian.startConfluenceTwin(cs.state, { record: false });
  try {
    await measure(
      `confluence: 5 spaces × ${fmt(wiki)} pages × 3 versions`,
      confluenceConnector,
      { siteUrl: ct.siteUrl },
      { kind: 'password', username: 'ada@example.com', password: 'wiki-token' },
      () => rawConfluence(ct.url, 3),
    );
  } finally {
    await ct.close();
  }
}
