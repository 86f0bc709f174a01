/**
 * Slack's message, user and conversation shapes as both the Web API and a workspace export deliver them. Only the
 * fields Tributary reads are typed; everything else passes through untouched.
 */

/** A file attached to a message (`files[]`, or `file` on old `file_share` messages). */
export interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  permalink?: string;
  url_private?: string;
  mode?: string;
}

/** A legacy attachment (unfurls, integrations such as GitHub commit notices). */
export interface SlackAttachment {
  fallback?: string;
  pretext?: string;
  title?: string;
  title_link?: string;
  text?: string;
  author_name?: string;
  service_name?: string;
  from_url?: string;
  fields?: Array<{ title?: string; value?: string }>;
}

export interface SlackMessage {
  type?: string;
  subtype?: string;
  ts: string;
  user?: string;
  username?: string;
  bot_id?: string;
  bot_profile?: { name?: string };
  user_profile?: { display_name?: string; real_name?: string; name?: string };
  text?: string;
  thread_ts?: string;
  parent_user_id?: string;
  reply_count?: number;
  edited?: { user?: string; ts?: string };
  attachments?: SlackAttachment[];
  files?: SlackFile[];
  file?: SlackFile;
  reactions?: Array<{ name: string; count?: number; users?: string[] }>;
  [key: string]: unknown;
}

export interface SlackUser {
  id: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: { display_name?: string; real_name?: string };
}

/** A conversation: a public channel, a private channel (group), a DM (im) or a group DM (mpim). */
export interface SlackChannel {
  id: string;
  name?: string;
  kind?: 'channel' | 'group' | 'im' | 'mpim';
  /** For DMs: the other member. */
  user?: string;
}
