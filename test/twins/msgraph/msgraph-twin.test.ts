import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../kit/index.js';
import {
  csdlDeltaOfDriveItem,
  graphProblems,
  seedGraphDrive,
  startGraphTwin,
  throttled,
  type GraphTwin,
} from './index.js';

const auth = { authorization: 'Bearer eyJ0eXAi.twin-token' };
let twin: GraphTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

const exchange = (route: string, body: unknown, status = 200): Exchange => ({
  route,
  method: 'GET',
  path: '/',
  query: {},
  status,
  headers: {},
  body,
});

describe('Microsoft Graph twin', () => {
  it('pages a first round with nextLink, ends in a deltaLink, reports changes and deletions from it, 410 after expiry', async () => {
    const seed = seedGraphDrive({ folders: 2, files: 6 });
    twin = await startGraphTwin(seed.state);
    const get = async (url: string) => {
      const res = await fetch(url, { headers: auth });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    let page = await get(`${twin.baseUrl}/me/drive/root/delta?$top=4`);
    const ids: string[] = [];
    while (page.body['@odata.nextLink']) {
      ids.push(...page.body.value.map((i: { id: string }) => i.id));
      page = await get(page.body['@odata.nextLink']);
    }
    ids.push(...page.body.value.map((i: { id: string }) => i.id));
    expect(ids).toHaveLength(1 + 2 + 6); // root, folders, files — parents first
    expect(ids[0]).toBe(seed.state.rootId);
    const link = page.body['@odata.deltaLink'] as string;
    expect((await get(link)).body.value).toEqual([]);

    seed.state.edit(seed.files[0]!.id, 'changed');
    seed.state.remove(seed.files[1]!.id);
    const changes = (await get(link)).body.value as Array<Record<string, unknown>>;
    expect(changes.map((c) => [c.id, c.deleted ?? null])).toEqual([
      [seed.files[0]!.id, null],
      [seed.files[1]!.id, { state: 'deleted' }],
    ]);
    seed.state.expireDeltaLinks();
    const gone = await get(link);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('resyncRequired');
    expect(twin.exchanges.flatMap(graphProblems)).toEqual([]);
  });

  it('answers Graph error bodies: 401 for an expired token, throttling with Retry-After, and they validate', async () => {
    const seed = seedGraphDrive({ folders: 0, files: 1 });
    twin = await startGraphTwin(seed.state);
    seed.state.tokens.set('eyJ0eXAi.old', 'expired');
    const res = await fetch(`${twin.baseUrl}/me/drive/root/delta`, {
      headers: { authorization: 'Bearer eyJ0eXAi.old' },
    });
    expect(res.status).toBe(401);
    const t = throttled(5);
    twin.faults.inject({ route: 'driveItem.delta', status: 429, headers: t.headers!, body: t.body });
    const th = await fetch(`${twin.baseUrl}/me/drive/root/delta`, { headers: auth });
    expect([th.status, th.headers.get('retry-after')]).toEqual([429, '5']);
    expect(twin.exchanges.flatMap(graphProblems)).toEqual([]);
  });

  it('the spec check catches answers that break the descriptions; the CSDL declares delta on driveItem', () => {
    expect(csdlDeltaOfDriveItem()).toBe(true);
    const bad = graphProblems(exchange('driveItem.delta', { value: [{ id: 'x', size: 'big', name: 3 }] }));
    expect(bad.join('\n')).toMatch(/size/);
    expect(bad.join('\n')).toMatch(/name/);
    expect(bad.join('\n')).toMatch(/nextLink/);
    expect(graphProblems(exchange('subscriptions.create', { id: 'x', expirationDateTime: 'tomorrow' }))).not.toEqual(
      [],
    );
    expect(graphProblems(exchange('driveItem.delta', { error: { message: 'no code' } }, 500))).not.toEqual([]);
  });

  it('creates a subscription only after the handshake, and refuses what Graph refuses', async () => {
    const seed = seedGraphDrive({ folders: 0, files: 1 });
    twin = await startGraphTwin(seed.state, { resolveUrl: () => 'http://127.0.0.1:9/unreachable' });
    const create = (body: Record<string, unknown>) =>
      fetch(`${twin!.baseUrl}/subscriptions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          changeType: 'updated',
          resource: 'me/drive/root',
          notificationUrl: 'https://tributary.example/hook',
          expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
          ...body,
        }),
      });
    expect((await create({ notificationUrl: 'http://plain.example/hook' })).status).toBe(400);
    expect((await create({ changeType: 'created' })).status).toBe(400);
    expect((await create({ expirationDateTime: new Date(Date.now() + 40 * 86_400_000).toISOString() })).status).toBe(
      400,
    );
    const unreachable = await create({});
    expect(unreachable.status).toBe(400);
    expect(((await unreachable.json()) as { error: { code: string } }).error.code).toBe('ValidationError');
    expect(seed.state.subscriptions.size).toBe(0);
    expect(twin.exchanges.flatMap(graphProblems)).toEqual([]);
  });
});
