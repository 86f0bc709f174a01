import { TributaryError } from '@tributary/sdk';
import { z } from 'zod';
import { openArchive } from '../archive/index.js';
import { jsonErrorText } from '../lib/json-error.js';

/** The fields of a tweet that Tributary reads (archive JSON: numbers are strings). */
export const TweetSchema = z
  .object({
    id_str: z.string().regex(/^\d+$/),
    full_text: z.string().default(''),
    created_at: z.string(),
    in_reply_to_status_id_str: z.string().optional(),
    in_reply_to_screen_name: z.string().optional(),
    lang: z.string().optional(),
    favorite_count: z.string().optional(),
    retweet_count: z.string().optional(),
    source: z.string().optional(),
    entities: z
      .object({
        urls: z
          .array(
            z.object({ url: z.string(), expanded_url: z.string().optional(), indices: z.array(z.string()).optional() }),
          )
          .default([]),
        user_mentions: z
          .array(
            z.object({ screen_name: z.string(), name: z.string().optional(), indices: z.array(z.string()).optional() }),
          )
          .default([]),
        hashtags: z.array(z.object({ text: z.string() })).default([]),
        media: z.array(z.object({ url: z.string(), expanded_url: z.string().optional() })).optional(),
      })
      .partial()
      .default({}),
    extended_entities: z
      .object({
        media: z
          .array(
            z.object({
              url: z.string().optional(),
              type: z.string().optional(),
              media_url_https: z.string().optional(),
              expanded_url: z.string().optional(),
            }),
          )
          .default([]),
      })
      .optional(),
    edit_info: z
      .object({
        initial: z.object({ editTweetIds: z.array(z.string()).default([]) }).optional(),
        edit: z
          .object({
            initialTweetId: z.string(),
            editControlInitial: z.object({ editTweetIds: z.array(z.string()).default([]) }).optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .loose();

export type Tweet = z.output<typeof TweetSchema>;

/** Who the archive belongs to (from data/manifest.js or data/account.js). */
export interface ArchiveAccount {
  userName?: string;
  displayName?: string;
}

export interface LoadedArchive {
  tweets: Tweet[];
  account: ArchiveAccount;
  /** Entries that did not parse as tweets. */
  errors: Array<{ externalId?: string; message: string }>;
  /** The tweet files read, for messages. */
  files: string[];
}

const TWEET_FILE = /(?:^|\/)tweets?(?:-part\d+)?\.js$/;

/** Parses a `window.YTD.<name>.partN = …` (or `window.__THAR_CONFIG = …`) file. */
export function parseYtd(text: string, file: string): unknown {
  const eq = text.indexOf('=');
  const body = eq >= 0 && /^\s*window\./.test(text) ? text.slice(eq + 1) : text;
  try {
    return JSON.parse(body.trim().replace(/;$/, ''));
  } catch (err) {
    throw new TributaryError('record_invalid', `${file} is not an X archive data file (${jsonErrorText(err)})`, {
      cause: err,
    });
  }
}

function accountFrom(value: unknown): ArchiveAccount {
  const v = value as Record<string, any> | undefined;
  const info = v?.userInfo ?? (Array.isArray(v) ? v[0]?.account : undefined);
  if (!info || typeof info !== 'object') return {};
  const account: ArchiveAccount = {};
  const userName = info.userName ?? info.username;
  const displayName = info.displayName ?? info.accountDisplayName;
  if (typeof userName === 'string') account.userName = userName;
  if (typeof displayName === 'string') account.displayName = displayName;
  return account;
}

/**
 * Opens an archive (folder or zip) and reads every tweets file (tweets.js, tweet.js, tweets-part1.js …).
 * The tweets file is one JSON array, so it is parsed whole (an archive's tweets are megabytes, its media are not read).
 * @throws TributaryError `invalid_config` when the path holds no tweets file.
 */
export async function loadArchive(target: string): Promise<LoadedArchive> {
  const archive = await openArchive(target, 'X archive');
  try {
    const candidates = archive.files.filter((f) => TWEET_FILE.test(f) && !f.includes('/assets/'));
    const inData = candidates.filter((f) => /(?:^|\/)data\/[^/]+$/.test(f));
    const files = inData.length ? inData : candidates;
    if (files.length === 0) {
      throw new TributaryError(
        'invalid_config',
        `"${target}" is not an X archive: no data/tweets.js (or tweet.js) inside. Point config.path at the archive's .zip or its unzipped folder.`,
      );
    }
    const account: ArchiveAccount = {};
    const dataDir = files[0]!.slice(0, files[0]!.lastIndexOf('/') + 1);
    for (const meta of ['manifest.js', 'account.js']) {
      if (!archive.files.includes(dataDir + meta) || account.userName) continue;
      try {
        Object.assign(account, accountFrom(parseYtd((await archive.read(dataDir + meta)).toString('utf8'), meta)));
      } catch {
        // The account is only used for author and urls; an unreadable manifest must not stop the tweets.
      }
    }
    const tweets: Tweet[] = [];
    const errors: LoadedArchive['errors'] = [];
    for (const file of files) {
      const parsed = parseYtd((await archive.read(file)).toString('utf8'), file);
      if (!Array.isArray(parsed))
        throw new TributaryError('record_invalid', `${file} should hold a JSON array of tweets`);
      parsed.forEach((entry: unknown, i) => {
        // Archives since 2019 wrap each tweet as { tweet: {...} }; older ones list tweets directly.
        const raw =
          entry && typeof entry === 'object' && 'tweet' in entry ? (entry as { tweet: unknown }).tweet : entry;
        const result = TweetSchema.safeParse(raw);
        if (result.success) tweets.push(result.data);
        else {
          const id = (raw as { id_str?: unknown } | undefined)?.id_str;
          errors.push({
            ...(typeof id === 'string' ? { externalId: id } : {}),
            message: `${file} entry #${i + 1} is not a tweet: ${result.error.issues[0]?.message}`,
          });
        }
      });
    }
    return { tweets, account, errors, files };
  } finally {
    archive.close();
  }
}
