/**
 * The Gmail twin's mailbox: messages (raw RFC 5322 bytes with labels), labels, and the history log that
 * `users.history.list` pages through. History ids increase with every change; `expireHistory()` drops the log the
 * way Gmail does after about a week, so an old `startHistoryId` answers 404.
 * https://developers.google.com/gmail/api/guides/sync
 */

export interface TwinGmailMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: Buffer;
  /** Epoch ms (Gmail's `internalDate`). */
  internalDate: number;
  historyId: number;
}

export interface TwinLabel {
  id: string;
  name: string;
  type: 'system' | 'user';
}

interface Ref {
  id: string;
  threadId: string;
}

/** One record of the history log, as `users.history.list` returns it (message refs carry labels). */
export interface TwinHistory {
  id: number;
  messagesAdded?: Array<{ message: Ref }>;
  messagesDeleted?: Array<{ message: Ref }>;
  labelsAdded?: Array<{ message: Ref; labelIds: string[] }>;
  labelsRemoved?: Array<{ message: Ref; labelIds: string[] }>;
}

const SYSTEM_LABELS = ['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH', 'UNREAD', 'STARRED', 'IMPORTANT', 'CATEGORY_UPDATES'];

/** The thread root of a raw message: its first References id, else In-Reply-To, else its own Message-ID. */
function threadRoot(raw: Buffer): string | undefined {
  const head =
    raw
      .subarray(0, Math.min(raw.length, 64 * 1024))
      .toString('latin1')
      .split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const get = (name: string): string | undefined =>
    new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.match(/<[^>]+>/)?.[0];
  return get('References') ?? get('In-Reply-To') ?? get('Message-ID');
}

export class GmailState {
  emailAddress = 'owner@twin.example';
  /** Access tokens: valid, or expired (401 until the client refreshes). */
  tokens = new Map<string, 'valid' | 'expired'>([['ya29.twin-token', 'valid']]);
  labels: TwinLabel[] = SYSTEM_LABELS.map((id) => ({ id, name: id, type: 'system' }));
  messages = new Map<string, TwinGmailMessage>();
  history: TwinHistory[] = [];
  historyId = 1000;
  /** Oldest history id still answerable: `startHistoryId` below it is 404. */
  minHistoryId = 0;
  private seq = 0;
  private threads = new Map<string, string>();

  addLabel(name: string): TwinLabel {
    const label: TwinLabel = { id: `Label_${this.labels.length + 1}`, name, type: 'user' };
    this.labels.push(label);
    return label;
  }

  private ref(m: TwinGmailMessage): Ref {
    return { id: m.id, threadId: m.threadId };
  }

  private log(entry: Omit<TwinHistory, 'id'>): number {
    this.historyId += 1;
    this.history.push({ id: this.historyId, ...entry });
    return this.historyId;
  }

  /** Delivers a message (Gmail ids are 16 hex digits); threads by References like Gmail does. */
  add(raw: Buffer | string, opts: { labelIds?: string[]; date?: number } = {}): TwinGmailMessage {
    const bytes = typeof raw === 'string' ? Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'utf8') : raw;
    const id = (0x18c0000000000000n + BigInt(++this.seq)).toString(16);
    const root = threadRoot(bytes);
    const threadId = (root && this.threads.get(root)) ?? id;
    if (root && !this.threads.has(root)) this.threads.set(root, threadId);
    const msg: TwinGmailMessage = {
      id,
      threadId,
      labelIds: opts.labelIds ?? ['INBOX'],
      raw: bytes,
      internalDate: opts.date ?? 1_700_000_000_000 + this.seq * 60_000,
      historyId: 0,
    };
    this.messages.set(id, msg);
    msg.historyId = this.log({ messagesAdded: [{ message: this.ref(msg) }] });
    return msg;
  }

  get(id: string): TwinGmailMessage {
    const m = this.messages.get(id);
    if (!m) throw new Error(`twin: no message ${id}`);
    return m;
  }

  /** Deletes permanently (not trash): history gets `messagesDeleted`. */
  remove(id: string): void {
    const m = this.get(id);
    this.messages.delete(id);
    this.log({ messagesDeleted: [{ message: this.ref(m) }] });
  }

  modifyLabels(id: string, add: string[], remove: string[] = []): void {
    const m = this.get(id);
    const added = add.filter((l) => !m.labelIds.includes(l));
    const removed = remove.filter((l) => m.labelIds.includes(l));
    m.labelIds = [...m.labelIds.filter((l) => !removed.includes(l)), ...added];
    if (added.length) m.historyId = this.log({ labelsAdded: [{ message: this.ref(m), labelIds: added }] });
    if (removed.length) m.historyId = this.log({ labelsRemoved: [{ message: this.ref(m), labelIds: removed }] });
  }

  trash(id: string): void {
    this.modifyLabels(id, ['TRASH'], ['INBOX']);
  }

  /** Forgets the history log (Gmail keeps about a week): an older `startHistoryId` is 404 from now on. */
  expireHistory(): void {
    this.history = [];
    this.historyId += 1;
    this.minHistoryId = this.historyId;
  }

  /** Messages newest first (Gmail's list order), ties by id. */
  sorted(): TwinGmailMessage[] {
    return [...this.messages.values()].sort((a, b) => b.internalDate - a.internalDate || (a.id < b.id ? 1 : -1));
  }
}
