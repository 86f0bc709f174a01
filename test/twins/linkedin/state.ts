/** One change-log event as the twin stores it (see schema.ts for the documented fields). */
export interface TwinChange {
  id: number;
  processedAt: number;
  resourceName: string;
  resourceId: string;
  method: 'CREATE' | 'UPDATE' | 'PARTIAL_UPDATE' | 'DELETE';
  activity: Record<string, unknown>;
}

/** The LinkedIn DMA twin's world: one member's snapshot by domain, the change log, the tokens. */
export class LinkedinState {
  readonly member = 'urn:li:person:twinMember1';
  /** Domain → records (each with the export CSV's field names). */
  readonly snapshot = new Map<string, Array<Record<string, string>>>();
  changes: TwinChange[] = [];
  readonly tokens = new Set<string>();
  /** Records per snapshot element (LinkedIn splits a domain's data over elements). */
  recordsPerElement = 25;
  private nextId = 1;

  addChange(c: Omit<TwinChange, 'id'>): void {
    this.changes.push({ ...c, id: this.nextId++ });
  }

  /** A post published now: in the change log, and in the snapshot's MEMBER_SHARE_INFO. */
  publish(urnId: string, text: string, at: number): void {
    this.addChange({
      processedAt: at,
      resourceName: 'ugcPosts',
      resourceId: urnId,
      method: 'CREATE',
      activity: {
        author: this.member,
        lifecycleState: 'PUBLISHED',
        firstPublishedAt: at,
        specificContent: { 'com.linkedin.ugc.ShareContent': { shareCommentary: { text }, shareMediaCategory: 'NONE' } },
        visibility: { 'com.linkedin.ugc.MemberNetworkVisibility': 'PUBLIC' },
      },
    });
    const date = new Date(at).toISOString().slice(0, 19).replace('T', ' ');
    const rows = this.snapshot.get('MEMBER_SHARE_INFO') ?? [];
    rows.push({
      Date: date,
      ShareLink: `https://www.linkedin.com/feed/update/${encodeURIComponent(urnId)}`,
      ShareCommentary: text,
      SharedUrl: '',
      MediaUrl: '',
      Visibility: '',
    });
    this.snapshot.set('MEMBER_SHARE_INFO', rows);
  }

  /** A post edited now: an UPDATE event, and the snapshot's row changed. */
  edit(urnId: string, text: string, at: number): void {
    const row = (this.snapshot.get('MEMBER_SHARE_INFO') ?? []).find(
      (r) => r.ShareLink === `https://www.linkedin.com/feed/update/${encodeURIComponent(urnId)}`,
    );
    if (!row) throw new Error(`no post ${urnId}`);
    row.ShareCommentary = text;
    this.addChange({
      processedAt: at,
      resourceName: 'ugcPosts',
      resourceId: urnId,
      method: 'UPDATE',
      activity: {
        author: this.member,
        lifecycleState: 'PUBLISHED',
        firstPublishedAt: Date.parse(`${row.Date!.replace(' ', 'T')}Z`),
        specificContent: { 'com.linkedin.ugc.ShareContent': { shareCommentary: { text }, shareMediaCategory: 'NONE' } },
      },
    });
  }

  /** A post deleted now: a DELETE event, and gone from the snapshot. */
  unpublish(urnId: string, at: number): void {
    this.addChange({ processedAt: at, resourceName: 'ugcPosts', resourceId: urnId, method: 'DELETE', activity: {} });
    const rows = this.snapshot.get('MEMBER_SHARE_INFO') ?? [];
    this.snapshot.set(
      'MEMBER_SHARE_INFO',
      rows.filter((r) => r.ShareLink !== `https://www.linkedin.com/feed/update/${encodeURIComponent(urnId)}`),
    );
  }
}
