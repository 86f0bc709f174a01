import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { gmailConnector } from '@tributary/connectors/gmail/index';
import { seedGmail, startGmailTwin, syntheticMail } from '../../../../test/twins/google/index.js';
import { harness } from './test-support/harness.js';
import { startUp, type UpProcess } from './test-support/up-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-gmail-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PUSH_TOKEN = 'gmail-push-secret-9f3a7c21';

/**
 * Gmail push end to end under `tributary up`: a message delivered to the mailbox (the Gmail twin), Gmail's Pub/Sub
 * push POSTed to `/api/v1/webhooks/gmail?token=…`, a debounced incremental sync by history, and the message in
 * search within 5 s. Forged and replayed deliveries are refused.
 */
it('a verified Gmail push makes a new message searchable within 5 s under `up`; forged and replayed are refused', async () => {
  const seed = seedGmail(20);
  const twin = await startGmailTwin(seed.state);
  const dataDir = path.join(dir, 'home');
  const cli = harness([gmailConnector], dataDir, dir, { GMAIL_TOKEN: 'ya29.twin-token' });
  const config = {
    rootUrl: twin.rootUrl,
    push: { topicName: 'projects/twin/topics/gmail', verificationToken: PUSH_TOKEN },
  };
  const added = await cli.run(
    'sources',
    'add',
    'gmail',
    '--name',
    'mail',
    '--config',
    JSON.stringify(config),
    '--credential-env',
    'GMAIL_TOKEN',
  );
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);

  let up: UpProcess | undefined;
  try {
    const { url, hits, sync } = (up = await startUp(dataDir));
    expect(await sync('mail')).toBe(200);
    expect(await hits('quarterly')).toBeGreaterThan(0);
    expect(twin.watches).toHaveLength(1);

    const push = (body: string, token = PUSH_TOKEN) =>
      fetch(`${url}/api/v1/webhooks/gmail?token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const mail = syntheticMail(777).replace('Message number 777', 'The narwhal memo, message number 777');
    seed.state.add(mail, { date: Date.now() });
    const body = twin.pushBody('pubsub-1');
    const started = Date.now();
    const res = await push(body);
    expect(res.status).toBe(200);
    await expect.poll(() => hits('narwhal'), { timeout: 5_000, interval: 50 }).toBe(1);
    const latency = Date.now() - started;
    console.log(`gmail push: searchable after ${latency} ms`);
    expect(latency).toBeLessThan(5_000);

    // Pub/Sub redelivers (or someone replays) the same message: acknowledged, no second sync.
    expect(await (await push(body)).json()).toEqual({ ok: true, duplicate: true });
    // A wrong token, and a delivery published two days ago, are refused with 401.
    expect((await push(twin.pushBody('pubsub-2'), 'gmail-push-secret-forged00')).status).toBe(401);
    expect((await push(twin.pushBody('pubsub-3', new Date(Date.now() - 2 * 86_400_000)))).status).toBe(401);
  } finally {
    await up?.stop();
    await twin.close();
  }
}, 120_000);
