import { applyPages, collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/twins/kit/index.js';
import { seedFromSlackExport, startSlackTwin, type SlackTwin } from '../../../../test/twins/slack/index.js';
import { slackExportConnector } from '../slack-export/index.js';
import { slackConnector } from './index.js';

// The real export (testdata/PROVENANCE.md): 2 channels, 158 messages, bots, attachments, files, joins.
const ZIP = testdataPath('slack', 'slack-export-viewer-testarchive.zip');

let twin: SlackTwin;

beforeAll(async () => {
  twin = await startSlackTwin(await seedFromSlackExport(ZIP));
});
afterAll(async () => {
  await twin.close();
});

async function bothWays(filters: { excludeBotMessages: boolean; excludeSystemMessages: boolean }) {
  const exported = applyPages(
    new Map(),
    await collectPages(
      slackExportConnector,
      createTestContext(slackExportConnector, { config: { path: ZIP, ...filters } }),
    ),
  );
  const api = applyPages(
    new Map(),
    await collectPages(
      slackConnector,
      createTestContext(slackConnector, {
        config: { baseUrl: twin.apiUrl, filters },
        credentials: { kind: 'token', token: 'xoxb-twin-bot' },
      }),
    ),
  );
  const hashes = (s: typeof api) =>
    [...s.entries()].map(([id, v]) => [id, v.hash]).sort(([a], [b]) => a!.localeCompare(b!));
  return { exported, api, hashes };
}

describe('the Slack API connector and the Slack export connector make the same memories', () => {
  it.each([
    { excludeBotMessages: false, excludeSystemMessages: true },
    { excludeBotMessages: true, excludeSystemMessages: false },
  ])('same ids and content hashes for %o', async (filters) => {
    const { exported, api, hashes } = await bothWays(filters);
    expect(exported.size).toBeGreaterThan(40);
    expect(hashes(api)).toEqual(hashes(exported));
    // Same author and container too (not part of the hash, but what a reader sees).
    for (const [id, v] of exported) {
      expect([api.get(id)?.item.author, api.get(id)?.item.container]).toEqual([v.item.author, v.item.container]);
    }
  });
});
