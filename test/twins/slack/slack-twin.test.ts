import { readFileSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaValidator, pointerSegment, testdataPath } from '../kit/index.js';
import { seedSlackWorkspace, startSlackTwin, type SlackTwin } from './index.js';

const spec = JSON.parse(readFileSync(testdataPath('specs', 'slack', 'slack_web_openapi_v2.json'), 'utf8'));
// The published description (archived in 2021) lags Slack's method docs in two places, patched here and nowhere else:
// conversations.history/replies document cursor paging with `response_metadata.next_cursor`
// (https://api.slack.com/methods/conversations.history), and legacy attachments carry text fields
// (https://api.slack.com/reference/messaging/attachments) that the spec's image-only attachment object forbids.
for (const method of ['/conversations.history', '/conversations.replies']) {
  spec.paths[method].get.responses['200'].schema.properties.response_metadata = {
    $ref: '#/definitions/objs_response_metadata',
  };
}
spec.definitions.objs_message.properties.attachments.items.additionalProperties = true;
const validator = createSchemaValidator(spec as object);
const pointer = (method: string) => `#/paths/${pointerSegment(`/${method}`)}/get/responses/200/schema`;

let twin: SlackTwin;
beforeAll(async () => {
  twin = await startSlackTwin(seedSlackWorkspace({ channels: 2, messagesPerChannel: 45, dms: 1 }).state);
});
afterAll(async () => twin.close());

describe('slack twin', () => {
  it("answers the official client with responses that validate against Slack's Web API description", async () => {
    const web = new WebClient('xoxb-twin-bot', { slackApiUrl: twin.apiUrl, retryConfig: { retries: 0 } });
    await web.auth.test();
    const list = await web.conversations.list({ types: 'public_channel,im', limit: 2 });
    expect(list.response_metadata?.next_cursor).toBeTruthy();
    await web.conversations.list({
      types: 'public_channel,im',
      limit: 2,
      cursor: list.response_metadata!.next_cursor!,
    });
    const h1 = await web.conversations.history({ channel: 'C00001', limit: 20 });
    const h2 = await web.conversations.history({
      channel: 'C00001',
      limit: 20,
      cursor: h1.response_metadata!.next_cursor!,
    });
    expect(Number(h2.messages![0]!.ts)).toBeLessThan(Number(h1.messages!.at(-1)!.ts));
    const parent = h1.messages!.find((m) => (m.reply_count ?? 0) > 0)!;
    const replies = await web.conversations.replies({ channel: 'C00001', ts: parent.ts! });
    expect(replies.messages!.map((m) => m.thread_ts)).toEqual(Array(replies.messages!.length).fill(parent.ts));
    await web.users.info({ user: 'U001' });
    const problems = twin.exchanges
      .map((x) => [x.route, validator.validate(pointer(x.route), x.body)] as const)
      .filter(([, p]) => p.length);
    expect(problems).toEqual([]);
  });

  it('refuses bad tokens the way Slack does: HTTP 200 with ok: false', async () => {
    twin.state.tokens.set('xoxb-gone', { kind: 'bot', scopes: [], state: 'revoked' });
    for (const [token, error] of [
      ['xoxb-nope', 'invalid_auth'],
      ['xoxb-gone', 'token_revoked'],
    ] as const) {
      const res = await fetch(`${twin.apiUrl}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: false, error });
    }
  });

  it('enforces tier limits with 429 and Retry-After', async () => {
    const limited = await startSlackTwin(twin.state, { rateLimit: { windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) {
        const res = await fetch(`${limited.apiUrl}conversations.list`, {
          method: 'POST',
          headers: { authorization: 'Bearer xoxb-twin-bot' },
        });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // conversations.list is Tier 2: 20 per minute.
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.slice(20)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });
});
