import { testConnector } from '@tributary/sdk/testing';
import {
  commentBodyOf,
  seedConfluenceSite,
  simpleBody,
  startConfluenceTwin,
  type ConfluenceSeed,
  type ConfluenceTwin,
} from '../../../../test/twins/atlassian/index.js';
import { confluenceConnector } from './index.js';

// 2 spaces × 8 pages × 2 versions, 2 blog posts each, footer and inline comments; 5 results per listing request.
let seed: ConfluenceSeed;
let twin: ConfluenceTwin | undefined;

testConnector(confluenceConnector, {
  get config() {
    // Reconcile on every sync, so trashed and deleted content is reported by the incremental read.
    return { siteUrl: twin?.siteUrl ?? 'http://127.0.0.1:9', reconcileHours: 0, pageSize: 5 };
  },
  credentials: { kind: 'password', username: 'ada@example.com', password: 'wiki-token' },
  badSetups: [
    { name: 'wrong API token', credentials: { kind: 'password', username: 'ada@example.com', password: 'nope' } },
    { name: 'no credential', credentials: undefined },
    { name: 'unknown space', config: { siteUrl: 'http://127.0.0.1:9', spaces: { include: ['NOPE'] } } },
  ],
  async setup() {
    seed = seedConfluenceSite({
      spaces: 2,
      pagesPerSpace: 8,
      versionsPerPage: 2,
      blogPostsPerSpace: 2,
      commentsPerPage: 1,
    });
    twin = await startConfluenceTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const s = seed.state;
    const space = s.spaces[0]!;
    const added = s.add({
      kind: 'page',
      spaceId: space.id,
      parentId: seed.pageIds[0]!,
      title: 'A new page',
      body: simpleBody('A new page', 1),
    });
    const edited = seed.pageIds[3]!;
    s.edit(edited, { body: simpleBody('Edited page', 3) });
    const comment = s.comment(seed.pageIds[5]!, 'footer', commentBodyOf('A late remark'));
    const trashed = seed.pageIds[9]!;
    s.trash(trashed);
    const gone = seed.blogPostIds[1]!;
    s.purge(gone);
    return {
      added: [`page:${added.id}`, `comment:${comment.id}`],
      changed: [`page:${edited}`],
      deleted: [`page:${trashed}`, `blogpost:${gone}`],
    };
  },
  grow() {
    const s = seed.state;
    for (let i = 0; i < 10; i++)
      s.add({ kind: 'blogpost', spaceId: s.spaces[1]!.id, title: `Grown ${i}`, body: simpleBody(`Grown ${i}`, 1) });
    return 10;
  },
});
