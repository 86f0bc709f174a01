import type { NotionClient } from './client.js';
import type { ApiBlock, BlockNode } from './markdown.js';

/** Blocks whose `has_children` means another page's content: they render as links and are not descended into. */
const OWN_PAGES = new Set(['child_page', 'child_database']);

interface ChildrenPage {
  results: ApiBlock[];
  next_cursor: string | null;
  has_more: boolean;
}

/**
 * The block tree under a page or block, depth first: one call per 100 children of each block that has any
 * (https://developers.notion.com/reference/get-block-children lists one level only). Past `maxDepth` children are
 * left out, with a debug note.
 */
export async function readBlockTree(
  client: NotionClient,
  blockId: string,
  maxDepth: number,
  depth = 1,
): Promise<BlockNode[]> {
  const out: BlockNode[] = [];
  let cursor: string | undefined;
  do {
    const res = (await client.call(`Reading the blocks of ${blockId}`, (api) =>
      api.blocks.children.list({ block_id: blockId, page_size: 100, ...(cursor ? { start_cursor: cursor } : {}) }),
    )) as unknown as ChildrenPage;
    for (const block of res.results) out.push({ block, children: [] });
    cursor = res.has_more ? (res.next_cursor ?? undefined) : undefined;
  } while (cursor);
  if (depth < maxDepth)
    for (const node of out)
      if (node.block.has_children && !OWN_PAGES.has(node.block.type))
        node.children = await readBlockTree(client, node.block.id, maxDepth, depth + 1);
  return out;
}

/** Ids of pages a tree links to by id only (`link_to_page`), whose titles rendering needs. */
export function linkedIds(nodes: BlockNode[]): string[] {
  const out: string[] = [];
  const walk = (list: BlockNode[]) => {
    for (const n of list) {
      if (n.block.type === 'link_to_page') {
        const p = n.block.link_to_page as { page_id?: string; database_id?: string; data_source_id?: string };
        const id = p.page_id ?? p.data_source_id ?? p.database_id;
        if (id) out.push(id);
      }
      walk(n.children);
    }
  };
  walk(nodes);
  return out;
}
