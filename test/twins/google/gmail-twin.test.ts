import { gmail } from '@googleapis/gmail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDiscovery } from './discovery.js';
import { seedGmail, startGmailTwin, type GmailTwin } from './index.js';

const discovery = loadDiscovery('gmail-v1.json');
const auth = { headers: { authorization: 'Bearer ya29.twin-token' }, retry: false } as const;
let twin: GmailTwin;

beforeAll(async () => {
  twin = await startGmailTwin(seedGmail(30).state);
});
afterAll(async () => twin.close());

/** Every 2xx answer recorded so far, checked against the response schema of its Discovery method. */
function problems(): Array<[string, string[]]> {
  return twin.exchanges
    .filter((x) => x.status < 300)
    .map((x) => [x.route, discovery.validate(x.route, x.body)] as [string, string[]])
    .filter(([, p]) => p.length > 0);
}

describe('gmail twin', () => {
  it('names every route after a method of the Discovery document', () => {
    const routes = [
      'getProfile',
      'labels.list',
      'messages.list',
      'messages.get',
      'threads.get',
      'history.list',
      'watch',
      'stop',
    ];
    for (const r of routes) expect(discovery.methods.has(`gmail.users.${r}`), r).toBe(true);
  });

  it('closes Discovery objects, so an invented or mistyped field fails', () => {
    expect(discovery.validate('gmail.users.getProfile', { emailAddress: 'a@b.c', historyId: '1' })).toEqual([]);
    expect(discovery.validate('gmail.users.getProfile', { emailAdress: 'a@b.c' })).not.toEqual([]);
    expect(discovery.validate('gmail.users.messages.list', { messages: [{ id: 7 }] })).not.toEqual([]);
  });

  it('answers the official client with responses that validate against the Discovery schemas', async () => {
    const api = gmail({ version: 'v1', rootUrl: twin.rootUrl });
    const profile = await api.users.getProfile({ userId: 'me' }, auth);
    await api.users.labels.list({ userId: 'me' }, auth);
    const p1 = await api.users.messages.list({ userId: 'me', maxResults: 20 }, auth);
    expect(p1.data.messages).toHaveLength(20);
    const p2 = await api.users.messages.list({ userId: 'me', maxResults: 20, pageToken: p1.data.nextPageToken! }, auth);
    expect(p2.data.messages).toHaveLength(10);
    expect(p2.data.nextPageToken).toBeUndefined();
    const first = p1.data.messages![0]!;
    const raw = await api.users.messages.get({ userId: 'me', id: first.id!, format: 'raw' }, auth);
    expect(Buffer.from(raw.data.raw!, 'base64url').toString()).toContain('Message-ID:');
    await api.users.threads.get({ userId: 'me', id: first.threadId! }, auth);
    twin.state.modifyLabels(first.id!, ['STARRED']);
    twin.state.remove(p2.data.messages![0]!.id!);
    const h = await api.users.history.list({ userId: 'me', startHistoryId: profile.data.historyId! }, auth);
    expect(h.data.history?.flatMap((r) => Object.keys(r)).sort()).toEqual(
      ['id', 'id', 'labelsAdded', 'messages', 'messages', 'messagesDeleted'].sort(),
    );
    await api.users.watch({ userId: 'me', requestBody: { topicName: 'projects/p/topics/gmail' } }, auth);
    expect(problems()).toEqual([]);
  });

  it('refuses a bad token with 401 and an old history id with 404, in Google error bodies', async () => {
    const bad = await fetch(`${twin.rootUrl}gmail/v1/users/me/profile`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]!.reason).toBe(
      'authError',
    );
    const old = twin.state.historyId;
    twin.state.expireHistory();
    const gone = await fetch(`${twin.rootUrl}gmail/v1/users/me/history?startHistoryId=${old}`, auth);
    expect(gone.status).toBe(404);
  });

  it('spends quota units per method and answers 429 rateLimitExceeded past the budget', async () => {
    const limited = await startGmailTwin(twin.state, { quota: { units: 250, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      // messages.list costs 5 units: 50 calls fit in 250, the 51st does not.
      for (let i = 0; i < 51; i++)
        statuses.push((await fetch(`${limited.rootUrl}gmail/v1/users/me/messages`, auth)).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.at(-1)).toBe(429);
      expect(limited.rateLimited()).toBe(1);
    } finally {
      await limited.close();
    }
  });
});
