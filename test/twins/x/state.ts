/**
 * The X twin's world: users, posts with their edit chains, bookmarks and likes, OAuth tokens with scopes, and the
 * per-endpoint 15-minute rate-limit windows. Post ids are snowflakes minted from a twin clock, so a later post (or
 * an edit, which X gives a new id) always has a higher id, as on X.
 */

const SNOWFLAKE_EPOCH = 1288834974657n;

export interface TwinUser {
  id: string;
  name: string;
  username: string;
}

export interface TwinPost {
  id: string;
  authorId: string;
  text: string;
  /** Long posts: `text` is the first 280 characters, the note holds the whole. */
  note?: string;
  createdAt: string;
  conversationId: string;
  inReplyTo?: { postId: string; userId: string };
  lang?: string;
  /** Every version's id, oldest first (this post's own id last when it is current). */
  editHistory: string[];
  urls: Array<{ url: string; expanded: string }>;
  mentions: string[];
  hashtags: string[];
  /** Set on older versions when an edit replaces them: timelines show only the current version. */
  replacedBy?: string;
}

export interface RateWindow {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

export class XState {
  users = new Map<string, TwinUser>();
  posts = new Map<string, TwinPost>();
  /** user id → post ids, most recently saved first. */
  bookmarks = new Map<string, string[]>();
  likes = new Map<string, string[]>();
  /** access token → user id and granted scopes. */
  tokens = new Map<string, { userId: string; scopes: string[] }>();
  expiredTokens = new Set<string>();
  /** Requests allowed per endpoint and token per 15 minutes (X's documented per-user limits differ by plan). */
  windowLimit = 900;
  /** Length of a rate-limit window (X: 15 minutes; tests shorten it). */
  windowSeconds = 900;
  windows = new Map<string, RateWindow>();
  /** Posts the twin returned (X's monthly Posts usage). */
  postsServed = 0;
  /** The twin clock (ms) from which post ids are minted; each post advances it by a second. */
  clockMs = Date.UTC(2025, 0, 1);
  private seq = 0n;

  nextId(): string {
    this.clockMs += 1000;
    this.seq = (this.seq + 1n) % 4096n;
    return (((BigInt(this.clockMs) - SNOWFLAKE_EPOCH) << 22n) | this.seq).toString();
  }

  addUser(user: TwinUser): TwinUser {
    this.users.set(user.id, user);
    return user;
  }

  addToken(token: string, userId: string, scopes: string[]): void {
    this.tokens.set(token, { userId, scopes });
  }

  /** A new post by `authorId` (a reply when `inReplyTo` names a post). */
  addPost(
    authorId: string,
    text: string,
    extra: Partial<Pick<TwinPost, 'note' | 'lang' | 'urls' | 'mentions' | 'hashtags' | 'id' | 'createdAt'>> & {
      replyTo?: string;
    } = {},
  ): TwinPost {
    const id = extra.id ?? this.nextId();
    const parent = extra.replyTo ? this.posts.get(extra.replyTo) : undefined;
    const post: TwinPost = {
      id,
      authorId,
      text,
      createdAt: extra.createdAt ?? new Date(this.clockMs).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
      conversationId: parent?.conversationId ?? extra.replyTo ?? id,
      editHistory: [id],
      urls: extra.urls ?? [],
      mentions: extra.mentions ?? [],
      hashtags: extra.hashtags ?? [],
    };
    if (extra.replyTo) post.inReplyTo = { postId: extra.replyTo, userId: parent?.authorId ?? '0' };
    if (extra.note) post.note = extra.note;
    if (extra.lang) post.lang = extra.lang;
    this.posts.set(id, post);
    return post;
  }

  /** Edits a post as X does: a new post with a new id joins the chain; the old version leaves the timelines. */
  editPost(id: string, text: string): TwinPost {
    const old = this.current(id);
    const next = this.addPost(old.authorId, text, { urls: old.urls, mentions: old.mentions, hashtags: old.hashtags });
    next.conversationId = old.conversationId;
    if (old.inReplyTo) next.inReplyTo = old.inReplyTo;
    const chain = [...old.editHistory, next.id];
    for (const v of chain) this.posts.get(v)!.editHistory = chain;
    old.replacedBy = next.id;
    return next;
  }

  /** The current version of the post `id` belongs to. */
  current(id: string): TwinPost {
    let post = this.posts.get(id);
    if (!post) throw new Error(`no post ${id}`);
    while (post.replacedBy) post = this.posts.get(post.replacedBy)!;
    return post;
  }

  /** Current posts, newest first, that `filter` keeps. */
  timeline(filter: (p: TwinPost) => boolean): TwinPost[] {
    return [...this.posts.values()]
      .filter((p) => !p.replacedBy && filter(p))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  }
}
