/**
 * The Drive twin's account: files and folders (My Drive and shared drives), each change appended to a change log
 * that `changes.list` pages through from a page token (a position in the log). `expireChangeTokens()` makes older
 * tokens invalid, as a token Drive no longer accepts. https://developers.google.com/drive/api/guides/manage-changes
 */

export const FOLDER = 'application/vnd.google-apps.folder';
export const GDOC = 'application/vnd.google-apps.document';
export const GSHEET = 'application/vnd.google-apps.spreadsheet';
export const GSLIDES = 'application/vnd.google-apps.presentation';

export interface TwinUser {
  displayName: string;
  emailAddress: string;
}

export interface TwinFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  driveId?: string;
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
  version: number;
  owners: TwinUser[];
  lastModifyingUser: TwinUser;
  /** Bytes of a binary/text file; for Google Docs types, the text of each export format by MIME type. */
  content?: Buffer;
  exports?: Record<string, string>;
}

export interface TwinChange {
  seq: number;
  fileId: string;
  /** The file is gone for this user (deleted, or access lost). */
  removed: boolean;
  time: string;
}

const OWNER: TwinUser = { displayName: 'Owner', emailAddress: 'owner@twin.example' };

export class DriveState {
  tokens = new Map<string, 'valid' | 'expired'>([['ya29.twin-token', 'valid']]);
  files = new Map<string, TwinFile>();
  changes: TwinChange[] = [];
  drives: Array<{ id: string; name: string }> = [];
  /** Change positions below this are no longer accepted as page tokens. */
  minSeq = 1;
  seq = 1;
  private n = 0;
  private clock = Date.UTC(2026, 0, 1);

  private log(fileId: string, removed = false): void {
    this.changes.push({ seq: this.seq, fileId, removed, time: new Date(this.clock).toISOString() });
    this.seq += 1;
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  addSharedDrive(name: string): string {
    const id = `0AD${(this.drives.length + 1).toString().padStart(6, '0')}`;
    this.drives.push({ id, name });
    return id;
  }

  /** Adds a file or folder; `parent` defaults to the root of My Drive (`root`). */
  add(f: {
    name: string;
    mimeType: string;
    parent?: string;
    driveId?: string;
    content?: Buffer | string;
    exports?: Record<string, string>;
    owner?: TwinUser;
  }): TwinFile {
    const id = `1f${(++this.n).toString(36).padStart(8, '0')}`;
    const at = this.now();
    const file: TwinFile = {
      id,
      name: f.name,
      mimeType: f.mimeType,
      parents: [f.parent ?? f.driveId ?? 'root'],
      trashed: false,
      createdTime: at,
      modifiedTime: at,
      version: 1,
      owners: f.driveId ? [] : [f.owner ?? OWNER],
      lastModifyingUser: f.owner ?? OWNER,
      ...(f.driveId ? { driveId: f.driveId } : {}),
      ...(f.content !== undefined ? { content: Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content) } : {}),
      ...(f.exports ? { exports: f.exports } : {}),
    };
    this.files.set(id, file);
    this.log(id);
    return file;
  }

  get(id: string): TwinFile {
    const f = this.files.get(id);
    if (!f) throw new Error(`twin: no file ${id}`);
    return f;
  }

  /** Edits a file's content (bytes, or a Google Doc's exports), bumping its version and modifiedTime. */
  edit(
    id: string,
    change: { content?: Buffer | string; exports?: Record<string, string>; name?: string; parent?: string },
  ): TwinFile {
    const f = this.get(id);
    if (change.content !== undefined)
      f.content = Buffer.isBuffer(change.content) ? change.content : Buffer.from(change.content);
    if (change.exports) f.exports = change.exports;
    if (change.name) f.name = change.name;
    if (change.parent) f.parents = [change.parent];
    f.version += 1;
    f.modifiedTime = this.now();
    this.log(id);
    return f;
  }

  /** Moves a file or folder (parents only: Drive leaves `modifiedTime` alone); one change, for it alone. */
  move(id: string, parent: string): void {
    const f = this.get(id);
    f.parents = [parent];
    f.version += 1;
    this.log(id);
  }

  trash(id: string): void {
    const f = this.get(id);
    f.trashed = true;
    f.version += 1;
    this.log(id);
  }

  /** Deletes permanently (or the user lost access): a `removed` change. */
  remove(id: string): void {
    this.files.delete(id);
    this.log(id, true);
  }

  expireChangeTokens(): void {
    // Every token handed out so far (the current start token included) is refused from now on.
    this.seq += 1;
    this.minSeq = this.seq;
  }
}
