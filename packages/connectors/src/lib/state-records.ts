import type { ReadContext } from '@tributary/sdk';
import type { z } from 'zod';

/**
 * The records a connector committed under `prefix` (connector state), keyed without the prefix: one pass, paged by
 * the engine. A record that does not parse is left out, so the thing it described is read again.
 */
export async function loadStateRecords<S extends z.ZodType>(
  ctx: Pick<ReadContext, 'checkpoint' | 'state'>,
  prefix: string,
  schema: S,
): Promise<Map<string, z.output<S>>> {
  const records = new Map<string, z.output<S>>();
  // A run without a checkpoint sees an empty state (the engine's rule): skip the round trip.
  if (!ctx.checkpoint) return records;
  for await (const [key, value] of ctx.state.list(prefix)) {
    const parsed = schema.safeParse(value);
    if (parsed.success) records.set(key.slice(prefix.length), parsed.data);
  }
  return records;
}
