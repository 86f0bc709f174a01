import type { Page } from '@tributary/sdk';
import { keys, type GitlabCheckpoint } from '../checkpoint.js';
import { digest, ids, toWikiItem, type ApiWikiPage } from '../map.js';
import { page, PER_PAGE, type ProjectRun } from './run.js';

/**
 * Wiki pages: GitLab lists them all in one call (`with_content=1`, no paging, no change dates), so each page's
 * digest is kept in state (`w:<project>:<slug>`): changed digests are items, slugs no longer listed are deletes.
 * A project without a wiki answers 404 or 403, read as no pages.
 */
export async function* readWiki(run: ProjectRun): AsyncGenerator<Page<GitlabCheckpoint>> {
  const { ctx, client } = run;
  let pages: ApiWikiPage[];
  try {
    pages = await client.get<ApiWikiPage[]>(`${run.base}/wikis`, { with_content: 1 });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'not_found' || code === 'permission_denied') pages = [];
    else throw err;
  }
  const webUrl = run.project.web_url;
  const prefix = keys.wikiPrefix(run.project.id);
  const known = new Map<string, unknown>();
  for await (const [k, v] of ctx.state.list(prefix)) known.set(k.slice(prefix.length), v);
  const listed = new Set(pages.map((p) => p.slug));
  const gone = [...known.keys()].filter((slug) => !listed.has(slug));
  const changed = pages.filter((p) => known.get(p.slug) !== digest([p.title, p.content, p.format]));
  for (let i = 0; i < Math.max(changed.length, 1); i += PER_PAGE) {
    const chunk = changed.slice(i, i + PER_PAGE);
    const set = Object.fromEntries(
      chunk.map((p) => [keys.wiki(run.project.id, p.slug), digest([p.title, p.content, p.format])]),
    );
    const first = i === 0;
    if (!chunk.length && !(first && gone.length)) return;
    yield page(
      run,
      chunk.map((p) => toWikiItem(run.path, webUrl, p)),
      first ? gone.map((slug) => ids.wiki(run.path, slug)) : [],
      { set, ...(first && gone.length ? { delete: gone.map((slug) => keys.wiki(run.project.id, slug)) } : {}) },
    );
  }
}
