import { applyPages, collectPages, createTestContext } from '@tributary/sdk/testing';
import { createTokenBucket } from '@tributary/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { seedNotionWorkspace, startNotionTwin, type NotionTwin } from '../../../../test/twins/notion/index.js';
import { notionConnector } from './index.js';

let twin: NotionTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

describe('notion rate limit (wall clock)', () => {
  it("keeps to the manifest's 3 requests per second: a twin enforcing Notion's limit never answers 429", async () => {
    const seed = seedNotionWorkspace({ pages: 6, blocksPerPage: 5 });
    // Notion's limit is an average with some burst; the twin allows 5 at once, the connector asks for at most 3.
    twin = await startNotionTwin(seed.state, { rateLimit: { perSecond: 3, burst: 5 } });
    const spec = notionConnector.manifest.rateLimit!;
    const ctx = createTestContext(notionConnector, {
      config: { baseUrl: twin.url },
      credentials: { kind: 'token', token: 'secret_twin' },
      rateLimiter: createTokenBucket({ requests: spec.requests, perSeconds: spec.perSeconds, burst: spec.burst }),
    });
    const pages = await collectPages(notionConnector, ctx);
    expect(applyPages(new Map(), pages).size).toBe(6);
    expect(twin.total()).toBeGreaterThan(6);
    expect(twin.rateLimited()).toBe(0);
  });
});
