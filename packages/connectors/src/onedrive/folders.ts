import type { ConnectorState } from '@tributary/sdk';
import { FOLDER_PREFIX, FolderRecordSchema, type FolderRecord } from './checkpoint.js';
import type { OneDriveConfig } from './config.js';

/**
 * The drive's folders as the delta feed reported them (kept in connector state, `d:<id>`), for paths and
 * include/exclude. Delta items carry no `parentReference.path` (Graph: track items by id), so the path is built by
 * walking parent ids. The drive root itself is not kept: a chain ends at it.
 */
export class FolderTree {
  private readonly folders = new Map<string, FolderRecord>();
  private readonly include: string[];
  private readonly exclude: string[];

  constructor(config: OneDriveConfig) {
    const norm = (r: string): string => r.replace(/^\/+|\/+$/g, '').toLowerCase();
    this.include = config.folders.include.map(norm);
    this.exclude = config.folders.exclude.map(norm);
  }

  static async load(state: ConnectorState, config: OneDriveConfig): Promise<FolderTree> {
    const tree = new FolderTree(config);
    for await (const [key, value] of state.list(FOLDER_PREFIX)) {
      const r = FolderRecordSchema.safeParse(value);
      if (r.success) tree.folders.set(key.slice(FOLDER_PREFIX.length), r.data);
    }
    return tree;
  }

  has(id: string): boolean {
    return this.folders.has(id);
  }

  set(id: string, record: FolderRecord): void {
    this.folders.set(id, record);
  }

  remove(id: string): void {
    this.folders.delete(id);
  }

  /** Folder ids from `id` up to the root (bounded: a cycle cannot hang a sync). */
  private chain(id: string | undefined): string[] {
    const out: string[] = [];
    for (let cur = id, n = 0; cur && this.folders.has(cur) && n < 200; n++) {
      out.push(cur);
      cur = this.folders.get(cur)!.p;
    }
    return out;
  }

  /** `Projects/Acme` for a folder id (undefined at the root). */
  pathOf(id: string | undefined): string | undefined {
    const chain = this.chain(id).reverse();
    return chain.length ? chain.map((c) => this.folders.get(c)!.n).join('/') : undefined;
  }

  /** Whether files whose parent is `id` are selected: under an include (path or id, if any) and under no exclude. */
  selected(id: string | undefined): boolean {
    const chain = this.chain(id);
    const path = (this.pathOf(id) ?? '').toLowerCase();
    const under = (ref: string): boolean =>
      path === ref || path.startsWith(`${ref}/`) || chain.some((c) => c.toLowerCase() === ref);
    if (this.exclude.some(under)) return false;
    return this.include.length === 0 || this.include.some(under);
  }
}
