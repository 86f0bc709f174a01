import { applyPages, collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/twins/kit/index.js';
import { seedFromArchive, startXTwin, TWIN_TOKEN, type XTwin } from '../../../../test/twins/x/index.js';
import { xArchiveConnector } from '../x-archive/index.js';
import { xConnector } from './index.js';

// The real archive of @milahu104 (testdata/PROVENANCE.md): 2,045 tweets with links, mentions, replies, HTML entities.
const ARCHIVE = testdataPath('twitter', 'x-archive-milahu104');

let twin: XTwin;
let userId: string;
beforeAll(async () => {
  const seeded = seedFromArchive(ARCHIVE);
  userId = seeded.user.id;
  twin = await startXTwin(seeded.state, { record: false });
});
afterAll(() => twin.close());

describe('the X API connector and the x-archive connector make the same memories', () => {
  it('same external ids and content hashes for every tweet of a real archive', async () => {
    const archived = applyPages(
      new Map(),
      await collectPages(xArchiveConnector, createTestContext(xArchiveConnector, { config: { path: ARCHIVE } })),
    );
    const api = applyPages(
      new Map(),
      await collectPages(
        xConnector,
        createTestContext(xConnector, {
          config: { baseUrl: twin.url, userId, plan: 'pro' },
          features: { mentions: false },
          credentials: { kind: 'token', token: TWIN_TOKEN },
        }),
      ),
    );
    expect(archived.size).toBe(2045);
    const hashes = (s: typeof api) => [...s].map(([id, v]) => `${id} ${v.hash}`).sort();
    expect(hashes(api)).toEqual(hashes(archived));
    // What a reader sees beyond the hash: the same author, link and time.
    for (const [id, v] of archived) {
      const a = api.get(id)!.item;
      expect([a.author, a.url, a.occurredAt]).toEqual([v.item.author, v.item.url, v.item.occurredAt]);
    }
    // The archive's text decodes entities and expands links; so does the API side (same mapping).
    const withLink = [...archived.values()].find((v) => /https:\/\/x\.com\//.test(v.item.content))!;
    expect(api.get(withLink.item.externalId)!.item.content).toBe(withLink.item.content);
  });
});
