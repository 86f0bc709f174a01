/**
 * The Graph twin's drive: folders and files under a root, every change stamped with a position in a change log that
 * the delta query pages through (https://learn.microsoft.com/graph/api/driveitem-delta). A delta link is a position;
 * `expireDeltaLinks()` makes every link handed out so far answer 410 Gone (resyncRequired), as Graph does when a
 * token is too old or the service lost track.
 */

export interface TwinUser {
  displayName: string;
  id: string;
}

export interface TwinItem {
  id: string;
  name: string;
  /** Undefined for the root. */
  parentId?: string;
  folder: boolean;
  mimeType?: string;
  content?: Buffer;
  /** Bumped by every change (eTag); `contentVersion` only by content changes (cTag). */
  version: number;
  contentVersion: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  lastModifiedBy: TwinUser;
  createdBy: TwinUser;
  deleted: boolean;
  /** Change-log position of the item's latest change. */
  seq: number;
}

export interface TwinSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expirationDateTime: string;
}

export const OWNER: TwinUser = { displayName: 'Megan Bowen', id: '48d31887-5fad-4d73-a9f5-3c356e68a038' };

export class GraphDriveState {
  readonly driveId = 'b!twinDrive-0001';
  readonly rootId = '01ROOT000000000000000000000000000';
  tokens = new Map<string, 'valid' | 'expired'>([['eyJ0eXAi.twin-token', 'valid']]);
  items = new Map<string, TwinItem>();
  /** Creation order: a first delta round lists parents before their children, as Graph does. */
  order: string[] = [];
  subscriptions = new Map<string, TwinSubscription>();
  /** Delta links carry the epoch they were handed out in; an older one answers 410 Gone. */
  epoch = 1;
  seq = 0;
  private n = 0;
  private clock = Date.UTC(2026, 0, 1);

  constructor() {
    const at = this.now();
    this.items.set(this.rootId, {
      id: this.rootId,
      name: 'root',
      folder: true,
      version: 1,
      contentVersion: 1,
      createdDateTime: at,
      lastModifiedDateTime: at,
      lastModifiedBy: OWNER,
      createdBy: OWNER,
      deleted: false,
      seq: 0,
    });
    this.order.push(this.rootId);
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private stamp(item: TwinItem): void {
    item.seq = ++this.seq;
  }

  get(id: string): TwinItem {
    const it = this.items.get(id);
    if (!it || it.deleted) throw new Error(`twin: no item ${id}`);
    return it;
  }

  private add(f: Partial<TwinItem> & { name: string; folder: boolean }): TwinItem {
    const id = `01TWIN${(++this.n).toString(36).toUpperCase().padStart(10, '0')}`;
    const at = this.now();
    const item: TwinItem = {
      id,
      parentId: this.rootId,
      version: 1,
      contentVersion: 1,
      createdDateTime: at,
      lastModifiedDateTime: at,
      lastModifiedBy: OWNER,
      createdBy: OWNER,
      deleted: false,
      seq: 0,
      ...f,
    };
    this.items.set(id, item);
    this.order.push(id);
    this.stamp(item);
    return item;
  }

  addFolder(name: string, parentId?: string): TwinItem {
    return this.add({ name, folder: true, parentId: parentId ?? this.rootId });
  }

  addFile(name: string, content: Buffer | string, opts: { parentId?: string; mimeType?: string; by?: TwinUser } = {}) {
    return this.add({
      name,
      folder: false,
      parentId: opts.parentId ?? this.rootId,
      mimeType: opts.mimeType ?? 'application/octet-stream',
      content: Buffer.isBuffer(content) ? content : Buffer.from(content),
      ...(opts.by ? { lastModifiedBy: opts.by, createdBy: opts.by } : {}),
    });
  }

  /** New content (eTag and cTag change), by `by`. */
  edit(id: string, content: Buffer | string, by?: TwinUser): TwinItem {
    const it = this.get(id);
    it.content = Buffer.isBuffer(content) ? content : Buffer.from(content);
    it.version += 1;
    it.contentVersion += 1;
    it.lastModifiedDateTime = this.now();
    if (by) it.lastModifiedBy = by;
    this.stamp(it);
    return it;
  }

  /** Rename or move (eTag changes, cTag does not). Graph reports only the moved item, not its descendants. */
  move(id: string, change: { name?: string; parentId?: string }): TwinItem {
    const it = this.get(id);
    if (change.name) it.name = change.name;
    if (change.parentId) it.parentId = change.parentId;
    it.version += 1;
    it.lastModifiedDateTime = this.now();
    this.stamp(it);
    return it;
  }

  /** Deletes an item (and, for a folder, everything under it: each one reported deleted, as Graph does). */
  remove(id: string): void {
    const it = this.get(id);
    for (const child of [...this.items.values()]) if (!child.deleted && child.parentId === id) this.remove(child.id);
    it.deleted = true;
    this.stamp(it);
  }

  /** Path of an item's parent folder from the root (`/drive/root:/A/B`), as `parentReference.path` shows it. */
  parentPath(it: TwinItem): string {
    const names: string[] = [];
    for (let cur = it.parentId; cur && cur !== this.rootId; cur = this.items.get(cur)?.parentId)
      names.unshift(this.items.get(cur)!.name);
    return `/drive/root:${names.length ? `/${names.join('/')}` : ''}`;
  }

  expireDeltaLinks(): void {
    this.epoch += 1;
  }
}
