import { testConnector } from '@tributary/sdk/testing';
import {
  seedGraphDrive,
  startGraphTwin,
  type GraphSeed,
  type GraphTwin,
} from '../../../../test/twins/msgraph/index.js';
import { onedriveConnector } from './index.js';

// 5 folders, 40 files (text, Markdown, code, HTML), in delta pages of 10.
let seed: GraphSeed;
let twin: GraphTwin | undefined;

testConnector(onedriveConnector, {
  get config() {
    return { baseUrl: twin?.baseUrl ?? 'http://127.0.0.1:9/v1.0', pageSize: 10 };
  },
  credentials: { kind: 'oauth2', accessToken: 'eyJ0eXAi.twin-token' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'oauth2', accessToken: 'eyJ0eXAi.forged' } },
    { name: 'no credential', credentials: undefined },
  ],
  async setup() {
    seed = seedGraphDrive({ folders: 5, files: 40 });
    twin = await startGraphTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const s = seed.state;
    const added = s.addFile('new-plan.md', '# New plan', { parentId: seed.folders[0]!.id, mimeType: 'text/markdown' });
    const a = seed.files[0]!;
    const b = seed.files[2]!;
    s.edit(a.id, 'Note 0, revised.');
    s.edit(b.id, 'export const edited = true;');
    s.remove(seed.files[3]!.id);
    s.remove(seed.files[4]!.id);
    return { added: [added.id], changed: [a.id, b.id], deleted: [seed.files[3]!.id, seed.files[4]!.id] };
  },
  grow() {
    for (let i = 0; i < 12; i++)
      seed.state.addFile(`grown-${i}.txt`, `grown ${i}`, { parentId: seed.folders[1]!.id, mimeType: 'text/plain' });
    return 12;
  },
});
