import type { Item, Page } from '@tributary/sdk';
import type { GithubCheckpoint } from '../checkpoint.js';
import { ids, toFileItem, wantsFile } from '../map.js';
import { page, type RepoRun } from './run.js';

/** Blobs fetched per page. */
const BLOBS_PER_PAGE = 25;

type Listing = Map<string, string>;

/** The wanted blobs of a tree (path → blob sha), or undefined when GitHub no longer has the tree. */
async function listTree(run: RepoRun, sha: string): Promise<Listing | undefined> {
  const maxBytes = run.ctx.config.maxFileSizeMb * 1024 * 1024;
  try {
    const res = await run.octokit.rest.git.getTree({ owner: run.owner, repo: run.name, tree_sha: sha, recursive: '1' });
    if (res.data.truncated)
      run.ctx.logger.warn('GitHub truncated the tree listing: some files are not read', { repo: run.fullName });
    const out: Listing = new Map();
    for (const e of res.data.tree) {
      if (e.type !== 'blob' || !e.path || !e.sha) continue;
      if ((e.size ?? 0) > maxBytes || !wantsFile(e.path, run.ctx.config.contentTypes)) continue;
      out.set(e.path, e.sha);
    }
    return out;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

/**
 * Markdown and code files of the default branch. When the root tree changed, the old and new trees are listed and
 * only blobs whose sha changed are fetched; paths gone (or no longer wanted) become deletes.
 */
export async function* readFiles(run: RepoRun, tree: string, branch: string): AsyncGenerator<Page<GithubCheckpoint>> {
  const cur = run.cursor.files ?? {};
  if (!cur.scan && cur.tree === tree) return;
  const target = cur.scan?.tree ?? tree;
  const next = await listTree(run, target);
  if (!next) {
    // The tree we were reading is gone (force push): start over from the current one next time.
    run.cursor.files = cur.tree ? { tree: cur.tree } : {};
    return;
  }
  const prev = (cur.tree ? await listTree(run, cur.tree) : undefined) ?? new Map<string, string>();
  const changed = [...next.entries()].filter(([p, sha]) => prev.get(p) !== sha).sort(([a], [b]) => a.localeCompare(b));
  const removed = [...prev.keys()].filter((p) => !next.has(p)).sort();
  let index = cur.scan?.index ?? 0;
  let deletes = index === 0 ? removed.map((p) => ids.file(run.fullName, p)) : [];
  do {
    if (run.ctx.signal.aborted) return;
    const items: Item[] = [];
    for (const [path, sha] of changed.slice(index, index + BLOBS_PER_PAGE)) {
      const blob = await run.octokit.rest.git.getBlob({ owner: run.owner, repo: run.name, file_sha: sha });
      const content =
        blob.data.encoding === 'base64' ? Buffer.from(blob.data.content, 'base64').toString('utf8') : blob.data.content;
      if (content.includes('\u0000')) continue;
      items.push(toFileItem(run.fullName, branch, path, sha, content));
    }
    index = Math.min(changed.length, index + BLOBS_PER_PAGE);
    const done = index >= changed.length;
    run.cursor.files = done
      ? { tree: target }
      : { ...(cur.tree ? { tree: cur.tree } : {}), scan: { tree: target, index } };
    yield page(run, items, deletes);
    deletes = [];
    if (done) return;
  } while (true);
}
