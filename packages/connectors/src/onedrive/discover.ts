import type { ConnectorContext, DiscoveredResource } from '@tributary/sdk';
import { GraphClient } from './client.js';
import type { OneDriveConfig } from './config.js';

/** Folders offered to the picker: the first two levels under the drive root, at most this many. */
const MAX_FOLDERS = 500;

/**
 * The drive's folders near the root, for choosing `folders.include`/`exclude`: the root's children and theirs
 * (`/items/{id}/children`, paged), breadth first, stopped at {@link MAX_FOLDERS}. The id is the path the config
 * takes (`Projects/Acme`); the item id is in the metadata.
 */
export async function discoverFolders(ctx: ConnectorContext<OneDriveConfig>): Promise<DiscoveredResource[]> {
  const client = new GraphClient(ctx);
  const root = await client.item(`${client.drivePath}/root`);
  const out: DiscoveredResource[] = [];
  let level: Array<{ id: string; path: string }> = [{ id: root.id, path: '' }];
  for (let depth = 0; depth < 2 && level.length && out.length < MAX_FOLDERS; depth++) {
    const next: typeof level = [];
    for (const parent of level) {
      let link: string | undefined;
      do {
        const page = await client.children(parent.id, link);
        for (const it of page.value ?? []) {
          if (!it.folder || out.length >= MAX_FOLDERS) continue;
          const path = parent.path ? `${parent.path}/${it.name}` : (it.name ?? it.id);
          out.push({ id: path, name: path, kind: 'folder', metadata: { itemId: it.id, webUrl: it.webUrl } });
          next.push({ id: it.id, path });
        }
        link = page['@odata.nextLink'];
      } while (link && out.length < MAX_FOLDERS);
      if (out.length >= MAX_FOLDERS) break;
    }
    level = next;
  }
  return out;
}
