import type { Item } from '@tributary/sdk';
import { toMailItem } from '../mail/map.js';
import type { ParsedMail } from '../mail/parse.js';

/** System labels that become tags (UNREAD is left out: reading a message is not a change worth a version). */
const SYSTEM_TAGS: Record<string, string> = {
  INBOX: 'inbox',
  SENT: 'sent',
  DRAFT: 'draft',
  STARRED: 'starred',
  IMPORTANT: 'important',
  CATEGORY_PERSONAL: 'category:personal',
  CATEGORY_SOCIAL: 'category:social',
  CATEGORY_PROMOTIONS: 'category:promotions',
  CATEGORY_UPDATES: 'category:updates',
  CATEGORY_FORUMS: 'category:forums',
};

/** Labels a message must not carry to be synced: Gmail's lists leave them out too (`includeSpamTrash=false`). */
export const EXCLUDED_LABELS = new Set(['SPAM', 'TRASH']);

/** Tags of a message from its label ids: user labels by name, a few system labels by a lowercase word. */
export function labelTags(labelIds: readonly string[], names: ReadonlyMap<string, string>): string[] {
  const tags = new Set<string>();
  for (const id of labelIds) {
    const system = SYSTEM_TAGS[id];
    if (system) tags.add(system);
    // Other system labels (UNREAD, CHAT …) are all caps; user labels have ids like Label_12 and carry a name.
    else if (!/^[A-Z_]+$/.test(id)) {
      const name = names.get(id);
      if (name) tags.add(name.slice(0, 200));
    }
  }
  return [...tags].sort();
}

/** Gmail's own coordinates of a message, kept in metadata (not content, so copies from mbox/IMAP hash alike). */
export interface GmailRef {
  id: string;
  threadId?: string | null;
  labelIds?: string[] | null;
}

/**
 * A Gmail message as an item: the one mail mapping (`toMailItem`, as IMAP, mbox, Maildir and .eml use), so the same
 * message has the same external id (Message-ID) and content hash everywhere; Gmail's ids, labels and a web link
 * added around it.
 */
export function toGmailItem(mail: ParsedMail, ref: GmailRef, names: ReadonlyMap<string, string>): Item {
  const labels = ref.labelIds ?? [];
  const item = toMailItem(mail, {
    container: 'gmail',
    metadata: {
      gmailId: ref.id,
      gmailThreadId: ref.threadId ?? undefined,
      labels: labels.map((l) => names.get(l) ?? l),
    },
  });
  const tags = labelTags(labels, names);
  if (tags.length) item.tags = tags;
  item.url = `https://mail.google.com/mail/#all/${ref.id}`;
  return item;
}
