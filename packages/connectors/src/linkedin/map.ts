import type { Item } from '@tributary/sdk';
import { itemHash, toRowItem, type MapResult } from '../linkedin-export/map.js';
import type { ChangeEvent } from './client.js';
import { DOMAIN_STREAMS, type SnapshotDomain } from './config.js';

/**
 * Snapshot records carry the fields of the export archive's CSV files (Shares.csv's `ShareCommentary`,
 * messages.csv's `CONVERSATION ID` …), so they are mapped by the `linkedin-export` mapping: the same record gets
 * the same external id and content whichever way it arrived.
 */
export function toSnapshotItem(domain: SnapshotDomain, record: Record<string, string>): MapResult {
  return toRowItem(DOMAIN_STREAMS[domain], record);
}

export { itemHash };

/** What a change-log event means for the memories. */
export type ChangeResult = { item: Item } | { delete: string } | { skip: string };

const POST_RESOURCES = new Set(['ugcPosts', 'shares', 'posts']);

interface ShareActivity {
  specificContent?: {
    'com.linkedin.ugc.ShareContent'?: {
      shareCommentary?: { text?: string };
      media?: Array<{ originalUrl?: string }>;
    };
  };
  commentary?: string;
  created?: { time?: number };
  firstPublishedAt?: number;
  lifecycleState?: string;
}

/**
 * A change-log event of the member's own posts (`ugcPosts`): CREATE/UPDATE become the post's item — content and
 * title as the snapshot's MEMBER_SHARE_INFO mapping makes them, so both paths give one memory — and DELETE a
 * tombstone. Other resources (comments, reactions, messages, invitations …) are left to the next snapshot, whose
 * records have stable ids; their activity formats are not documented field by field.
 */
export function toChangeResult(e: ChangeEvent): ChangeResult {
  if (!POST_RESOURCES.has(e.resourceName)) return { skip: e.resourceName };
  const id = e.resourceId;
  if (!/^urn:li:(share|ugcPost|activity):\d+$/.test(id)) return { skip: `${e.resourceName} ${id}` };
  if (e.method === 'DELETE') return { delete: id };
  const a = (e.activity ?? {}) as ShareActivity;
  if (a.lifecycleState && a.lifecycleState !== 'PUBLISHED') return { skip: `${id} ${a.lifecycleState}` };
  const share = a.specificContent?.['com.linkedin.ugc.ShareContent'];
  const text = (share?.shareCommentary?.text ?? a.commentary ?? '').trim();
  const sharedUrl = share?.media?.find((m) => m.originalUrl)?.originalUrl ?? '';
  const time = a.firstPublishedAt ?? a.created?.time ?? e.capturedAt;
  // The snapshot's row for the same post, so the mapping is literally the same code
  const r = toRowItem('posts', {
    Date: new Date(time).toISOString().slice(0, 19).replace('T', ' '),
    ShareLink: `https://www.linkedin.com/feed/update/${encodeURIComponent(id)}`,
    ShareCommentary: text,
    SharedUrl: sharedUrl,
    MediaUrl: '',
    Visibility: '',
  });
  return 'error' in r ? { skip: r.error } : { item: r.item };
}
