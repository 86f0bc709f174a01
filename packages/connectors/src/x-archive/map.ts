import type { Item } from '@tributary/sdk';
import type { ArchiveAccount, Tweet } from './client.js';

/** Orders tweet ids (snowflakes, longer than a double holds exactly) numerically. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Fri Mar 06 13:02:05 +0000 2026` (the archive's format) → ISO 8601; undefined when it does not parse. */
export function parseTweetDate(value: string): string | undefined {
  const m = /^\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(value.trim());
  if (m) {
    const [, mon, day, hh, mm, ss, sign, oh, om, year] = m;
    const month = MONTHS.indexOf(mon!);
    if (month >= 0) {
      const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
      return new Date(
        Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm) - offset, Number(ss)),
      ).toISOString();
    }
  }
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The tweet's text as a reader means it: t.co links expanded to their targets, mentions shown as
 * `@screen_name (Name)`, and the HTML entities the archive keeps (`&amp;`, `&lt;`, `&gt;`) decoded.
 */
export function resolveTweetText(tweet: Tweet): string {
  let text = tweet.full_text;
  const links = new Map<string, string>();
  for (const u of tweet.entities.urls ?? []) if (u.expanded_url) links.set(u.url, u.expanded_url);
  for (const m of [...(tweet.entities.media ?? []), ...(tweet.extended_entities?.media ?? [])]) {
    if (m.url && m.expanded_url) links.set(m.url, m.expanded_url);
  }
  for (const [short, long] of links) text = text.split(short).join(long);
  const names = new Map<string, string>();
  for (const m of tweet.entities.user_mentions ?? []) if (m.name) names.set(m.screen_name.toLowerCase(), m.name);
  if (names.size) {
    const re = new RegExp(`@(${[...names.keys()].map(escapeRegExp).join('|')})(?![A-Za-z0-9_])`, 'gi');
    text = text.replace(re, (all, handle: string) => `${all} (${names.get(handle.toLowerCase())})`);
  }
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The id of the first version of an edited tweet (its own id when it was never edited). */
export function initialIdOf(tweet: Tweet): string {
  return tweet.edit_info?.edit?.initialTweetId ?? tweet.id_str;
}

/**
 * Thread ids for every tweet: the root of its reply chain. A chain is followed through the archive; where it
 * leaves the archive (a reply to someone else's tweet), the thread is the outside tweet replied to, so replies
 * to the same conversation group together. Edited tweets are named by their initial id.
 */
export function threadRoots(tweets: readonly Tweet[]): Map<string, string> {
  const byId = new Map(tweets.map((t) => [t.id_str, t]));
  const roots = new Map<string, string>();
  const rootOf = (start: Tweet): string => {
    const path: string[] = [];
    let current = start;
    let root: string | undefined;
    for (;;) {
      const known = roots.get(current.id_str);
      if (known) {
        root = known;
        break;
      }
      path.push(current.id_str);
      const parentId = current.in_reply_to_status_id_str;
      const parent = parentId ? byId.get(parentId) : undefined;
      if (!parentId) {
        root = initialIdOf(current);
        break;
      }
      if (!parent || path.includes(parent.id_str)) {
        root = parentId;
        break;
      }
      current = parent;
    }
    for (const id of path) roots.set(id, root);
    return root;
  };
  for (const t of tweets) rootOf(t);
  return roots;
}

export interface TweetItemContext {
  account: ArchiveAccount;
  thread: string | undefined;
  /** When the first version was posted (edits keep the original time). */
  firstCreatedAt: string | undefined;
}

/** Maps one tweet version to the item of its memory (externalId = the initial tweet's id). */
export function toTweetItem(tweet: Tweet, ctx: TweetItemContext): Item {
  const initialId = initialIdOf(tweet);
  const handle = ctx.account.userName;
  const metadata: Record<string, unknown> = { tweetId: tweet.id_str };
  if (initialId !== tweet.id_str) metadata.editOf = initialId;
  if (tweet.in_reply_to_status_id_str) metadata.inReplyTo = tweet.in_reply_to_status_id_str;
  if (tweet.in_reply_to_screen_name) metadata.inReplyToScreenName = tweet.in_reply_to_screen_name;
  if (tweet.lang) metadata.lang = tweet.lang;
  if (tweet.full_text.startsWith('RT @')) metadata.retweet = true;
  const client = tweet.source?.replace(/<[^>]*>/g, '').trim();
  if (client) metadata.client = client;
  const media = (tweet.extended_entities?.media ?? [])
    .filter((m) => m.media_url_https)
    .map((m) => ({ type: m.type, url: m.media_url_https }));
  if (media.length) metadata.media = media;
  const item: Item = {
    externalId: initialId,
    stream: 'tweets',
    content: resolveTweetText(tweet),
    contentType: 'text',
    url: handle ? `https://x.com/${handle}/status/${initialId}` : `https://x.com/i/web/status/${initialId}`,
    metadata,
  };
  const occurredAt = ctx.firstCreatedAt ?? parseTweetDate(tweet.created_at);
  if (occurredAt) item.occurredAt = occurredAt;
  if (handle) item.author = ctx.account.displayName ? `${ctx.account.displayName} (@${handle})` : `@${handle}`;
  if (ctx.thread) item.thread = ctx.thread;
  const tags = [...new Set((tweet.entities.hashtags ?? []).map((h) => `#${h.text}`))];
  if (tags.length) item.tags = tags;
  return item;
}
