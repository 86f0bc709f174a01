/** A push channel a Drive or Calendar twin opened on `watch`. */
export interface TwinChannel {
  token?: string;
  resourceId: string;
  expiration: number;
}

/**
 * The headers Google sends with a push-channel notification (https://developers.google.com/drive/api/guides/push,
 * https://developers.google.com/calendar/api/guides/push#understanding-the-notification-message-format): the
 * channel, its expiry, the watched resource, the state, the channel's next message number and its token.
 */
export function channelNotificationHeaders(
  channelId: string,
  ch: TwinChannel,
  resourceState: string,
  resourceUri: string,
  messageNumber: number,
): Record<string, string> {
  return {
    'x-goog-channel-id': channelId,
    'x-goog-channel-expiration': new Date(ch.expiration).toUTCString(),
    'x-goog-resource-id': ch.resourceId,
    'x-goog-resource-state': resourceState,
    'x-goog-resource-uri': resourceUri,
    'x-goog-message-number': String(messageNumber),
    ...(ch.token ? { 'x-goog-channel-token': ch.token } : {}),
  };
}
