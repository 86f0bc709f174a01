import type { Item } from '@tributary/sdk';
import { createPipeline, isFailure } from '../pipeline/prepare.js';
import type { CommitPageInput, MemoryStore, PreparedItem, SourceStore } from './types.js';

export type MakeStore = () => Promise<MemoryStore>;

const pipeline = createPipeline();

/** Prepares items through the real pipeline, as the engine would. */
export function prepared(items: Item[]): PreparedItem[] {
  return items.map((item) => {
    const p = pipeline.prepare(item, pipeline.fingerprint(item));
    if (isFailure(p)) throw new Error(p.message);
    return p;
  });
}

/** A page of these items (prepared) and deletions for `commitPage`, outside any run; `extra` adds the rest. */
export function page(
  sourceId: string,
  items: Item[],
  deletes: string[] = [],
  extra: Partial<CommitPageInput> = {},
): CommitPageInput {
  return { sourceId, runId: null, checkpoint: undefined, items: prepared(items), deletes, ...extra };
}

export function chat(id: string, content: string, extra: Partial<Item> = {}): Item {
  return {
    externalId: id,
    stream: 'messages',
    content,
    contentType: 'text',
    occurredAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

export async function newSource(
  store: Pick<SourceStore, 'createSource'>,
  name = 'src',
  extra: { ownerId?: string; sourceType?: string } = {},
) {
  return store.createSource({
    ownerId: extra.ownerId ?? 'local',
    sourceType: extra.sourceType ?? 'synthetic',
    name,
    config: { count: 1 },
  });
}

/** `n` distinct filler words (`prefix0 prefix1 …`): text of a chosen length that matches no query word. */
export const filler = (prefix: string, n: number): string =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');
