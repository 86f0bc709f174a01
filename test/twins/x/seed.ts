import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XState, type TwinUser } from './state.js';

export const TWIN_USER: TwinUser = { id: '1500000000000000001', name: 'Ada Poster', username: 'ada_posts' };
export const OTHER_USER: TwinUser = { id: '1500000000000000002', name: 'Bo Replier', username: 'bo_replies' };
/** A token with every scope the connector may ask for. */
export const TWIN_TOKEN = 'x-twin-token-all-scopes';
/** A token granted only the base scopes (no bookmark.read / like.read). */
export const TWIN_BASE_TOKEN = 'x-twin-token-base-scopes';
export const BASE_SCOPES = ['tweet.read', 'users.read', 'offline.access'];
export const ALL_SCOPES = [...BASE_SCOPES, 'bookmark.read', 'like.read'];

/**
 * A generated account: `posts` posts by TWIN_USER (every 10th a reply continuing a thread, every 25th a note post
 * longer than 280 characters, links and hashtags on some), `mentions` posts by OTHER_USER mentioning TWIN_USER,
 * and the first `saved` of OTHER_USER's posts bookmarked and liked.
 */
export function seedX(opts: { posts: number; mentions?: number; saved?: number }): XState {
  const state = new XState();
  state.addUser(TWIN_USER);
  state.addUser(OTHER_USER);
  state.addToken(TWIN_TOKEN, TWIN_USER.id, ALL_SCOPES);
  state.addToken(TWIN_BASE_TOKEN, TWIN_USER.id, BASE_SCOPES);
  addPosts(state, opts.posts);
  const others: string[] = [];
  for (let i = 0; i < (opts.mentions ?? 0); i++)
    others.push(
      state.addPost(OTHER_USER.id, `@${TWIN_USER.username} question number ${i}?`, { mentions: [TWIN_USER.id] }).id,
    );
  const saved = others.slice(0, opts.saved ?? 0).reverse();
  state.bookmarks.set(TWIN_USER.id, [...saved]);
  state.likes.set(TWIN_USER.id, [...saved]);
  return state;
}

/** Adds `n` more posts by TWIN_USER; returns their ids. */
export function addPosts(state: XState, n: number): string[] {
  const ids: string[] = [];
  let previous: string | undefined;
  const start = [...state.posts.values()].filter((p) => p.authorId === TWIN_USER.id).length;
  for (let k = 0; k < n; k++) {
    const i = start + k;
    const long = i % 25 === 24;
    const linked = i % 7 === 3;
    const text = `Post ${i}: notes on streams & memory${linked ? ' https://t.co/abc' + i : ''}${i % 5 === 0 ? ' #tributary' : ''}`;
    const extra: Parameters<XState['addPost']>[2] = {
      lang: 'en',
      ...(linked ? { urls: [{ url: `https://t.co/abc${i}`, expanded: `https://example.org/article/${i}` }] } : {}),
      ...(i % 5 === 0 ? { hashtags: ['tributary'] } : {}),
      ...(i % 10 === 9 && previous ? { replyTo: previous } : {}),
      ...(long ? { note: `${text} ${'and the long part of a note post '.repeat(12)}end of note ${i}.` } : {}),
    };
    const post = state.addPost(TWIN_USER.id, text, extra);
    previous = post.id;
    ids.push(post.id);
  }
  return ids;
}

/** The twin world of a real X archive (testdata/twitter): its account, its tweets with their ids, mentions, links. */
export function seedFromArchive(dir: string): { state: XState; user: TwinUser } {
  const manifest = readFileSync(path.join(dir, 'data', 'manifest.js'), 'utf8');
  const info = JSON.parse(manifest.slice(manifest.indexOf('{')).trim().replace(/;$/, '')).userInfo;
  const user: TwinUser = { id: info.accountId, name: info.displayName, username: info.userName };
  const text = readFileSync(path.join(dir, 'data', 'tweets.js'), 'utf8');
  const entries = JSON.parse(text.slice(text.indexOf('['))) as Array<{ tweet: Record<string, any> }>;
  const state = new XState();
  state.addUser(user);
  state.addToken(TWIN_TOKEN, user.id, ALL_SCOPES);
  const tweets = entries.map((e) => e.tweet).sort((a, b) => (BigInt(a.id_str) < BigInt(b.id_str) ? -1 : 1));
  for (const t of tweets) {
    for (const m of t.entities?.user_mentions ?? [])
      if (!state.users.has(m.id_str)) state.addUser({ id: m.id_str, name: m.name, username: m.screen_name });
    const post = state.addPost(user.id, t.full_text, {
      id: t.id_str,
      createdAt: new Date(Date.parse(t.created_at)).toISOString(),
      ...(t.lang ? { lang: t.lang } : {}),
      urls: [...(t.entities?.urls ?? []), ...(t.entities?.media ?? [])]
        .filter((u: any) => u.url && u.expanded_url)
        .map((u: any) => ({ url: u.url, expanded: u.expanded_url })),
      mentions: (t.entities?.user_mentions ?? []).map((m: any) => m.id_str),
      hashtags: (t.entities?.hashtags ?? []).map((h: any) => h.text),
    });
    if (t.in_reply_to_status_id_str)
      post.inReplyTo = {
        postId: t.in_reply_to_status_id_str,
        userId: t.in_reply_to_user_id_str ?? t.in_reply_to_user_id ?? '0',
      };
  }
  return { state, user };
}
