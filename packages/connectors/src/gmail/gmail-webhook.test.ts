import { readFileSync } from 'node:fs';
import { createConnectorContext } from '@tributary/sdk/testing';
import type { WebhookRequest } from '@tributary/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pubsubBodyProblems,
  seedGmail,
  startGmailTwin,
  startGoogleOidcTwin,
  type GmailTwin,
  type GoogleOidcTwin,
} from '../../../../test/twins/google/index.js';
import { testdata } from '../mail/test-support/testdata.js';
import { gmailConnector } from './index.js';

const TOKEN = 'push-secret-0123456789abcdef';
const credentials = { kind: 'oauth2' as const, accessToken: 'ya29.twin-token' };
const topicName = 'projects/twin-project/topics/gmail';
let gmail: GmailTwin;
let oidc: GoogleOidcTwin;

beforeAll(async () => {
  gmail = await startGmailTwin(seedGmail(3).state);
  oidc = await startGoogleOidcTwin();
});
afterAll(async () => {
  await gmail.close();
  await oidc.close();
});

const request = (rawBody: string, extra: Partial<WebhookRequest> = {}): WebhookRequest => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...extra.headers },
  rawBody,
  query: extra.query ?? {},
});

const withToken = (push: Record<string, unknown> = {}) =>
  createConnectorContext(gmailConnector, {
    config: { push: { topicName, verificationToken: TOKEN, ...push } },
    credentials,
  });

describe('gmail push (Pub/Sub) webhook', () => {
  it('sends bodies of the shape Google documents for Pub/Sub push', () => {
    expect(pubsubBodyProblems(JSON.parse(gmail.pushBody('m-1')))).toEqual([]);
    // The documented sample itself parses as a delivery too (its data is not Gmail's, so it is refused with 400).
    const sample = readFileSync(testdata('specs/google/pubsub/MessagePublishedData-duplicatedFields.json'), 'utf8');
    expect(pubsubBodyProblems(JSON.parse(sample))).toEqual([]);
  });

  it('accepts a delivery with the source token and asks for a sync de-duplicated by messageId', async () => {
    const out = await gmailConnector.webhook!(
      withToken(),
      request(gmail.pushBody('4711'), { query: { token: TOKEN } }),
    );
    expect(out.matched).toBe(true);
    expect(out.response.status).toBe(200);
    expect(out.sync).toEqual({ hints: { eventId: '4711', historyId: String(gmail.state.historyId) } });
  });

  it('refuses a wrong or missing token, a stale (replayed) delivery, and a source without push', async () => {
    const body = gmail.pushBody('4712');
    const stale = gmail.pushBody('4713', new Date(Date.now() - 25 * 3_600_000));
    for (const [ctx, req] of [
      [withToken(), request(body, { query: { token: 'push-secret-0123456789abcdeX' } })],
      [withToken(), request(body)],
      [withToken(), request(stale, { query: { token: TOKEN } })],
      [createConnectorContext(gmailConnector, { config: {}, credentials }), request(body, { query: { token: TOKEN } })],
    ] as const) {
      const out = await gmailConnector.webhook!(ctx, req);
      expect(out.matched).toBe(false);
      expect(out.response.status).toBe(401);
      expect(out.sync).toBeUndefined();
    }
  });

  it('leaves a delivery for another mailbox to the other sources when push.emailAddress is set', async () => {
    const req = request(gmail.pushBody('4720'), { query: { token: TOKEN } });
    expect((await gmailConnector.webhook!(withToken({ emailAddress: 'someone@else.example' }), req)).matched).toBe(
      false,
    );
    const mine = await gmailConnector.webhook!(
      withToken({ emailAddress: gmail.state.emailAddress.toUpperCase() }),
      req,
    );
    expect(mine.matched).toBe(true);
  });

  it('answers 400 to a verified delivery that is not a Gmail push body', async () => {
    const sample = readFileSync(testdata('specs/google/pubsub/MessagePublishedData-text.json'), 'utf8');
    for (const raw of ['not json', '{"message":{}}', sample]) {
      const out = await gmailConnector.webhook!(withToken(), request(raw, { query: { token: TOKEN } }));
      expect(out.response.status).toBe(400);
      expect(out.sync).toBeUndefined();
    }
  });

  it('verifies the OIDC JWT Google signs for an authenticated push subscription', async () => {
    const push = {
      verificationToken: undefined,
      audience: 'https://tributary.example/api/v1/webhooks/gmail',
      serviceAccountEmail: 'push@twin-project.iam.gserviceaccount.com',
      jwksUrl: oidc.jwksUrl,
    };
    const ctx = createConnectorContext(gmailConnector, { config: { push: { topicName, ...push } }, credentials });
    const claims = { aud: push.audience, email: push.serviceAccountEmail, email_verified: true };
    const bearer = (jwt: string) => ({ headers: { authorization: `Bearer ${jwt}` } });
    const good = await gmailConnector.webhook!(ctx, request(gmail.pushBody('j-1'), bearer(await oidc.sign(claims))));
    expect(good.matched).toBe(true);
    expect(good.sync?.hints?.eventId).toBe('j-1');
    const refused = [
      await oidc.forge(claims),
      await oidc.sign({ ...claims, aud: 'https://elsewhere.example' }),
      await oidc.sign({ ...claims, email: 'someone@else.iam.gserviceaccount.com' }),
      await oidc.sign(claims, -60),
    ];
    for (const jwt of refused) {
      const out = await gmailConnector.webhook!(ctx, request(gmail.pushBody('j-2'), bearer(jwt)));
      expect(out.matched).toBe(false);
    }
  });
});
