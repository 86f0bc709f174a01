import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  seedX,
  startXTwin,
  TWIN_BASE_TOKEN,
  TWIN_TOKEN,
  TWIN_USER,
  xResponsePointer,
  xSpecValidator,
  type XTwin,
} from './index.js';

let twin: XTwin;
beforeAll(async () => {
  twin = await startXTwin(seedX({ posts: 30, mentions: 3, saved: 2 }));
});
afterAll(() => twin.close());

const get = async (path: string, token = TWIN_TOKEN) => {
  const res = await fetch(`${twin.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};
const timeline = `/2/users/${TWIN_USER.id}/tweets`;

describe('X twin behaves as the documented API v2', () => {
  it('pages newest first with next_token; since_id and until_id bound by id; answers fit the OpenAPI schema', async () => {
    const v = xSpecValidator();
    const first = await get(`${timeline}?max_results=10&post.fields=created_at,conversation_id,entities`);
    expect(first.status).toBe(200);
    expect(v.validate(xResponsePointer('/2/users/{id}/tweets'), first.body)).toEqual([]);
    const ids: string[] = first.body.data.map((p: any) => p.id);
    expect(ids).toEqual([...ids].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1)));
    expect(first.body.meta).toMatchObject({ result_count: 10, newest_id: ids[0], oldest_id: ids[9] });
    const second = await get(`${timeline}?max_results=10&pagination_token=${first.body.meta.next_token}`);
    expect(BigInt(second.body.data[0].id)).toBeLessThan(BigInt(ids[9]!));
    const since = await get(`${timeline}?max_results=100&since_id=${ids[2]}`);
    expect(since.body.data.map((p: any) => p.id)).toEqual(ids.slice(0, 2));
    const until = await get(`${timeline}?max_results=100&until_id=${ids[7]}`);
    expect(until.body.data.every((p: any) => BigInt(p.id) < BigInt(ids[7]!))).toBe(true);
    expect(first.headers.get('x-rate-limit-limit')).toBe('900');
    expect(Number(first.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses what X refuses: bad tokens (401), unknown parameters, out-of-range max_results and forged page tokens (400), missing scopes (403)', async () => {
    expect((await get(timeline, 'nope')).status).toBe(401);
    expect((await get(`${timeline}?tweet.mode=extended`)).status).toBe(400);
    expect((await get(`${timeline}?max_results=500`)).status).toBe(400);
    expect((await get(`${timeline}?pagination_token=Zm9yZ2Vk`)).status).toBe(400);
    const bookmarks = await get(`/2/users/${TWIN_USER.id}/bookmarks`, TWIN_BASE_TOKEN);
    expect(bookmarks.status).toBe(403);
    expect(bookmarks.body.detail).toContain('bookmark.read');
  });

  it('an edit is a new id carrying the whole chain; the timeline shows only the current version', async () => {
    const [oldest] = [...twin.state.posts.keys()];
    const edited = twin.state.editPost(oldest!, 'edited text');
    const all = await get(`${timeline}?max_results=100`);
    const ids = all.body.data.map((p: any) => p.id);
    expect(ids).toContain(edited.id);
    expect(ids).not.toContain(oldest);
    expect(all.body.data[0]).toMatchObject({ id: edited.id, edit_history_post_ids: [oldest, edited.id] });
  });

  it('a spent window answers 429 with x-rate-limit-reset', async () => {
    twin.state.windowLimit = 1;
    twin.state.windows.clear();
    try {
      expect((await get('/2/users/me')).status).toBe(200);
      const limited = await get('/2/users/me');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(Number(limited.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    } finally {
      twin.state.windowLimit = 900;
      twin.state.windows.clear();
    }
  });
});
