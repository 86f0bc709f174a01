import { testConnector } from '@tributary/sdk/testing';
import { seedDrive, startDriveTwin, type DriveSeed, type DriveTwin } from '../../../../test/twins/google/index.js';
import { googleDriveConnector } from './index.js';

// 5 folders, 40 files (Docs, Sheets, Slides, text) and 3 in a shared drive, in pages of 10.
let seed: DriveSeed;
let twin: DriveTwin | undefined;

testConnector(googleDriveConnector, {
  get config() {
    return { rootUrl: twin?.rootUrl ?? 'http://127.0.0.1:9/', pageSize: 10 };
  },
  credentials: { kind: 'oauth2', accessToken: 'ya29.twin-token' },
  badSetups: [
    { name: 'unknown token', credentials: { kind: 'oauth2', accessToken: 'ya29.forged' } },
    { name: 'no credential', credentials: undefined },
  ],
  async setup() {
    seed = seedDrive({ folders: 5, files: 40, shared: 3 });
    twin = await startDriveTwin(seed.state);
  },
  async teardown() {
    await twin?.close();
    twin = undefined;
  },
  mutate() {
    const s = seed.state;
    const added = s.add({
      name: 'new-plan.md',
      mimeType: 'text/markdown',
      parent: seed.folders[0]!.id,
      content: '# New plan',
    });
    const doc = seed.files[0]!;
    s.edit(doc.id, { exports: { 'text/markdown': '# Design doc 0\n\nRevised.', 'text/plain': 'Revised' } });
    const note = seed.files[2]!;
    s.edit(note.id, { content: 'Note 2, edited.' });
    s.trash(seed.files[3]!.id);
    s.remove(seed.files[4]!.id);
    return { added: [added.id], changed: [doc.id, note.id], deleted: [seed.files[3]!.id, seed.files[4]!.id] };
  },
  grow() {
    for (let i = 0; i < 12; i++)
      seed.state.add({
        name: `grown-${i}.txt`,
        mimeType: 'text/plain',
        parent: seed.folders[1]!.id,
        content: `grown ${i}`,
      });
    return 12;
  },
});
