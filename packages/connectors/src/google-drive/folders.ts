import { TributaryError } from '@tributary/sdk';
import { FOLDER_MIME, type DriveClient, type DriveFile } from './client.js';
import type { GoogleDriveConfig } from './config.js';

/** The folder tree: parent and name per folder id, for paths and include/exclude by subtree. */
export interface FolderTree {
  /** The folder path of a file's parent (`Projects/Acme`), or undefined at a root. */
  pathOf(parentId: string | undefined): string | undefined;
  /** Whether a file whose parent is `parentId` is selected by the config's include/exclude. */
  selected(parentId: string | undefined): boolean;
  /** Every folder whose files are selected (files directly inside it pass `selected`). */
  selectedFolders(): Set<string>;
  /** Whether the id is a (non-trashed) folder of the tree. */
  has(id: string): boolean;
}

/** Lists every (non-trashed) folder: one files.list per 1,000 folders. */
export async function loadFolders(client: DriveClient, config: GoogleDriveConfig): Promise<FolderTree> {
  const folders = new Map<string, { name: string; parent?: string }>();
  let token: string | undefined;
  do {
    const res = await client.list(`mimeType = '${FOLDER_MIME}' and trashed = false`, token, 1000);
    for (const f of res.files ?? [])
      if (f.id) folders.set(f.id, { name: f.name ?? f.id, ...(f.parents?.[0] ? { parent: f.parents[0] } : {}) });
    token = res.nextPageToken ?? undefined;
  } while (token);
  return folderTree(folders, config);
}

/** Builds the tree and resolves the include/exclude names or ids against it. */
export function folderTree(
  folders: Map<string, { name: string; parent?: string }>,
  config: GoogleDriveConfig,
): FolderTree {
  const resolve = (refs: string[], field: string): Set<string> => {
    const out = new Set<string>();
    const missing: string[] = [];
    for (const ref of refs) {
      if (folders.has(ref)) out.add(ref);
      else {
        const hits = [...folders].filter(([, f]) => f.name.toLowerCase() === ref.toLowerCase()).map(([id]) => id);
        if (hits.length) hits.forEach((h) => out.add(h));
        else missing.push(ref);
      }
    }
    if (missing.length)
      throw new TributaryError(
        'invalid_config',
        `Google Drive has no folder ${missing.map((m) => `"${m}"`).join(', ')}`,
        {
          issues: [{ path: `config.folders.${field}`, message: `unknown folder(s): ${missing.join(', ')}` }],
        },
      );
    return out;
  };
  const include = resolve(config.folders.include, 'include');
  const exclude = resolve(config.folders.exclude, 'exclude');
  const ancestors = (id: string | undefined): string[] => {
    const out: string[] = [];
    for (let cur = id, n = 0; cur && folders.has(cur) && n < 100; n++) {
      out.push(cur);
      cur = folders.get(cur)!.parent;
    }
    return out;
  };
  const selected = (parentId: string | undefined): boolean => {
    const chain = ancestors(parentId);
    if (chain.some((id) => exclude.has(id))) return false;
    return include.size === 0 || chain.some((id) => include.has(id));
  };
  return {
    pathOf(parentId) {
      const chain = ancestors(parentId).reverse();
      return chain.length ? chain.map((id) => folders.get(id)!.name).join('/') : undefined;
    },
    selected,
    selectedFolders: () => new Set([...folders.keys()].filter((id) => selected(id))),
    has: (id) => folders.has(id),
  };
}

export const isFolder = (f: DriveFile): boolean => f.mimeType === FOLDER_MIME;
