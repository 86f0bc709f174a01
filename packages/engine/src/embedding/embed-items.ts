import type { PreparedItem } from '../store/types.js';
import type { Embedder } from './embedder.js';

/**
 * Embeds every chunk of the prepared items in place (one `embed` call; the embedder batches). The first chunk
 * carries the title, as in full text, so a title's meaning is searchable too.
 */
export async function embedPreparedItems(
  embedder: Embedder,
  items: PreparedItem[],
  signal?: AbortSignal,
): Promise<void> {
  const targets = items.flatMap((item) => item.chunks.map((chunk) => ({ item, chunk })));
  if (!targets.length) return;
  const texts = targets.map(({ item, chunk }) =>
    chunk.seq === 0 && item.title ? `${item.title}\n\n${chunk.text}` : chunk.text,
  );
  const vectors = await embedder.embed(texts, signal);
  targets.forEach((t, i) => {
    t.chunk.embedding = vectors[i];
  });
}
