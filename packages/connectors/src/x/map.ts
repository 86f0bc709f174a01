import type { Item } from '@tributary/sdk';
import type { Tweet } from '../x-archive/client.js';
import { parseTweetDate, toTweetItem } from '../x-archive/map.js';
import type { XEntities, XPost, XUser } from './client.js';

/**
 * One post → one memory, through the x-archive connector's mapping (x-archive/map.ts is the one place a tweet
 * becomes text): the API post is rewritten in the archive's shape, so the same tweet read from the API or from an
 * archive gets the same content and the same content hash (cross-source dedup).
 */

/** X's epoch of snowflake ids (2010-11-04T01:42:54.657Z). */
const SNOWFLAKE_EPOCH = 1288834974657n;

/** When a post id was minted (ids are snowflakes: milliseconds since X's epoch in the high bits). */
export function snowflakeTime(id: string): string {
  return new Date(Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH)).toISOString();
}

/** Versions of a post, oldest first (the last is the current text). */
export function editHistory(post: XPost): string[] {
  const ids = post.edit_history_post_ids ?? post.edit_history_tweet_ids;
  return ids && ids.length ? ids : [post.id];
}

/** The memory a post belongs to: its first version's id (an edit gets a new id; it becomes a new version). */
export function initialIdOfPost(post: XPost): string {
  return editHistory(post)[0]!;
}

/** Whether X shows this as the current version (an older version comes back only from a lookup). */
export function isLatestVersion(post: XPost): boolean {
  const h = editHistory(post);
  return h[h.length - 1] === post.id;
}

const referenceOf = (post: XPost, type: string): string | undefined =>
  (post.referenced_posts ?? post.referenced_tweets)?.find((r) => r.type === type)?.id;

/** The post in the archive's shape (full text of a note post, entities as the archive names them). */
export function toArchiveShape(post: XPost, users: ReadonlyMap<string, XUser>): Tweet {
  const note = post.note_post ?? post.note_tweet;
  const entities: XEntities = (note ? note.entities : post.entities) ?? {};
  const byName = new Map([...users.values()].map((u) => [u.username.toLowerCase(), u]));
  const history = editHistory(post);
  const replyTo = referenceOf(post, 'replied_to');
  const replyUser = post.in_reply_to_user_id ? users.get(post.in_reply_to_user_id) : undefined;
  const tweet: Tweet = {
    id_str: post.id,
    full_text: note?.text ?? post.text,
    created_at: post.created_at ?? snowflakeTime(post.id),
    entities: {
      urls: (entities.urls ?? [])
        .filter((u) => u.url)
        .map((u) => ({ url: u.url!, ...(u.expanded_url ? { expanded_url: u.expanded_url } : {}) })),
      user_mentions: (entities.mentions ?? [])
        .filter((m) => m.username)
        .map((m) => {
          const name = byName.get(m.username!.toLowerCase())?.name;
          return { screen_name: m.username!, ...(name ? { name } : {}) };
        }),
      hashtags: (entities.hashtags ?? []).map((h) => ({ text: h.tag })),
    },
  };
  if (replyTo) tweet.in_reply_to_status_id_str = replyTo;
  if (replyUser) tweet.in_reply_to_screen_name = replyUser.username;
  if (post.lang) tweet.lang = post.lang;
  if (post.source) tweet.source = post.source;
  if (history.length > 1 && history[0] !== post.id)
    tweet.edit_info = { edit: { initialTweetId: history[0]!, editControlInitial: { editTweetIds: history } } };
  return tweet;
}

export type XStream = 'tweets' | 'mentions' | 'bookmarks' | 'likes';

/** External id of a post in a stream: own posts as x-archive names them; others prefixed by their stream. */
export function externalIdOf(stream: XStream, initialId: string): string {
  return stream === 'tweets' ? initialId : `${stream}:${initialId}`;
}

/** Maps one post (the current version) of `stream` to its memory. */
export function toPostItem(stream: XStream, post: XPost, users: ReadonlyMap<string, XUser>): Item {
  const author = post.author_id ? users.get(post.author_id) : undefined;
  const initialId = initialIdOfPost(post);
  const tweet = toArchiveShape(post, users);
  // An edit keeps the time of the first version (as in the archive); the snowflake of the first id says when.
  const firstCreatedAt =
    initialId === post.id ? parseTweetDate(tweet.created_at) : snowflakeTime(initialId).replace(/\.\d{3}Z$/, '.000Z');
  const item = toTweetItem(tweet, {
    account: author ? { userName: author.username, displayName: author.name } : {},
    thread: post.conversation_id,
    firstCreatedAt,
  });
  item.externalId = externalIdOf(stream, initialId);
  item.stream = stream;
  item.metadata = {
    ...item.metadata,
    ...(post.conversation_id ? { conversationId: post.conversation_id } : {}),
    ...(post.note_post || post.note_tweet ? { notePost: true } : {}),
    ...(editHistory(post).length > 1 ? { versions: editHistory(post).length } : {}),
    ...(referenceOf(post, 'quoted') ? { quotes: referenceOf(post, 'quoted') } : {}),
  };
  // x-archive marks retweets by their "RT @" text; the API says so in referenced_posts.
  if (referenceOf(post, 'retweeted')) item.metadata.retweet = true;
  return item;
}
