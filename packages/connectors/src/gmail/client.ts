import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { ConnectorContext } from '@tributary/sdk';
import { GoogleCaller } from '../lib/google/caller.js';
import type { GmailConfig } from './config.js';

/**
 * Quota units per method, as Gmail charges them per user and per project
 * (https://developers.google.com/gmail/api/reference/quota). Each call takes its cost from the source's rate
 * limiter, whose budget the manifest declares in units (250 per user per second).
 */
export const GMAIL_COST = {
  getProfile: 1,
  labelsList: 1,
  messagesList: 5,
  messagesGet: 5,
  historyList: 2,
  watch: 100,
  stop: 50,
} as const;

export type GmailMessage = gmail_v1.Schema$Message;
export type GmailHistory = gmail_v1.Schema$History;

/** A thin typed client over `@googleapis/gmail`: one method per call we make, each with its quota cost. */
export class GmailClient {
  readonly caller: GoogleCaller;
  private readonly api: gmail_v1.Gmail;
  private readonly userId: string;

  constructor(ctx: ConnectorContext<GmailConfig>) {
    this.caller = new GoogleCaller(ctx, 'Gmail');
    this.api = gmail({
      version: 'v1',
      rootUrl: ctx.config.rootUrl.endsWith('/') ? ctx.config.rootUrl : `${ctx.config.rootUrl}/`,
    });
    this.userId = ctx.config.userId;
  }

  profile(): Promise<gmail_v1.Schema$Profile> {
    return this.caller.call('users.getProfile', GMAIL_COST.getProfile, (o) =>
      this.api.users.getProfile({ userId: this.userId }, o),
    );
  }

  async labels(): Promise<gmail_v1.Schema$Label[]> {
    const res = await this.caller.call('users.labels.list', GMAIL_COST.labelsList, (o) =>
      this.api.users.labels.list({ userId: this.userId }, o),
    );
    return res.labels ?? [];
  }

  list(
    q: string | undefined,
    pageToken: string | undefined,
    maxResults: number,
  ): Promise<gmail_v1.Schema$ListMessagesResponse> {
    return this.caller.call('users.messages.list', GMAIL_COST.messagesList, (o) =>
      this.api.users.messages.list(
        { userId: this.userId, maxResults, ...(q ? { q } : {}), ...(pageToken ? { pageToken } : {}) },
        o,
      ),
    );
  }

  /** One message with its RFC 5322 bytes (`format=raw`, base64url). */
  getRaw(id: string): Promise<GmailMessage> {
    return this.caller.call('users.messages.get', GMAIL_COST.messagesGet, (o) =>
      this.api.users.messages.get({ userId: this.userId, id, format: 'raw' }, o),
    );
  }

  history(
    startHistoryId: string,
    pageToken: string | undefined,
    maxResults: number,
  ): Promise<gmail_v1.Schema$ListHistoryResponse> {
    return this.caller.call('users.history.list', GMAIL_COST.historyList, (o) =>
      this.api.users.history.list(
        {
          userId: this.userId,
          startHistoryId,
          maxResults,
          historyTypes: ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'],
          ...(pageToken ? { pageToken } : {}),
        },
        o,
      ),
    );
  }

  watch(topicName: string, labelIds: string[]): Promise<gmail_v1.Schema$WatchResponse> {
    return this.caller.call('users.watch', GMAIL_COST.watch, (o) =>
      this.api.users.watch(
        {
          userId: this.userId,
          requestBody: { topicName, ...(labelIds.length ? { labelIds, labelFilterBehavior: 'include' } : {}) },
        },
        o,
      ),
    );
  }
}
