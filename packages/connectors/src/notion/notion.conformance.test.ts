import { testConnector } from '@tributary/sdk/testing';
import {
  seedNotionWorkspace,
  startNotionTwin,
  type NotionSeed,
  type NotionTwin,
} from '../../../../test/twins/notion/index.js';
import { notionConnector } from './index.js';

// 12 pages × 20 blocks and a data source of 6 rows, listed 4 per search page: the crash matrix covers every listing
// page and the sweep.
let seed: NotionSeed;
let twin: NotionTwin | undefined;

testConnector(notionConnector, {
  get config() {
    // Reconcile on every sync, so trashed and un-shared pages are reported by the incremental read.
    return { baseUrl: twin?.url ?? 'http://127.0.0.1:9', reconcileHours: 0, pageSize: 4 };
  },
  credentials: { kind: 'token', token: 'secret_twin' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'token', token: 'secret_forged' } },
    { name: 'revoked token', credentials: { kind: 'token', token: 'secret_revoked' } },
    { name: 'no credential', credentials: undefined },
  ],
  async setup() {
    seed = seedNotionWorkspace({ pages: 12, blocksPerPage: 20, dataSources: 1, rowsPerSource: 6 });
    seed.state.tokens.set('secret_revoked', 'revoked');
    twin = await startNotionTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const s = seed.state;
    const added = s.addPage({
      title: 'A brand new page',
      blocks: [{ id: s.nextId(0xc), type: 'paragraph', rich: [{ kind: 'text', text: 'Fresh content' }] }],
    });
    const edited = seed.pageIds[3]!;
    s.editPage(edited, (p) =>
      p.blocks.push({ id: s.nextId(0xc), type: 'paragraph', rich: [{ kind: 'text', text: 'An edit' }] }),
    );
    const row = seed.rowIds[2]!;
    s.editPage(row, (p) => (p.values!.Status = { type: 'select', name: 'Done' }));
    const trashed = seed.pageIds[5]!;
    s.trash(trashed);
    const unshared = seed.rowIds[4]!;
    s.unshare(unshared);
    return { added: [added.id], changed: [edited, row], deleted: [trashed, unshared] };
  },
  grow() {
    const s = seed.state;
    for (let i = 0; i < 10; i++) s.addPage({ title: `Grown page ${i}` });
    return 10;
  },
});
