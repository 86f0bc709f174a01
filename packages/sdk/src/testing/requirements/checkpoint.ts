import type { Checkpoint, Page } from '../../item.js';
import { ConformanceError, fullRead, lastCheckpoint, readFrom, type RequirementCheck } from './shared.js';

const id = 'checkpoint:bounded';

/** The most a checkpoint may weigh, serialized (DESIGN §3: a small, flat cursor). */
export const CHECKPOINT_MAX_BYTES = 4096;

/** Primitive values in a JSON tree: a map per file or an array of ids grows it with every file or id. */
export function checkpointValues(value: unknown): number {
  if (value === null || typeof value !== 'object') return 1;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return children.reduce<number>((n, c) => n + checkpointValues(c), 0);
}

function checkSizes(pages: Page[], what: string): void {
  pages.forEach((page, p) => {
    const bytes = Buffer.byteLength(JSON.stringify(page.checkpoint) ?? '', 'utf8');
    if (bytes > CHECKPOINT_MAX_BYTES)
      throw new ConformanceError(
        id,
        `${what}, page ${p}: checkpoint is ${bytes} bytes, over ${CHECKPOINT_MAX_BYTES}; keep per-file, folder or channel records in connector state (page.state)`,
      );
  });
}

function checkGrowth(before: Checkpoint, after: Checkpoint, added: number, what: string): void {
  const a = checkpointValues(before);
  const b = checkpointValues(after);
  if (b > a && b - a >= added)
    throw new ConformanceError(
      id,
      `${what}: the checkpoint grew from ${a} to ${b} values when the upstream grew by ${added} item(s); it holds something per item or file: keep that in connector state (page.state)`,
    );
}

/**
 * Every checkpoint stays under {@link CHECKPOINT_MAX_BYTES}, and does not grow when the upstream grows: after
 * `grow()` (or `mutate()`) added n items, the final checkpoint of a full read (and of the read resumed from the
 * old one) holds fewer than n more values than before.
 */
export const checkpointBounded: RequirementCheck = async (connector, fixture) => {
  const full = await fullRead(id, connector, fixture);
  checkSizes(full, 'full read');
  const before = lastCheckpoint(id, full);
  let added: number;
  if (fixture.grow) added = await fixture.grow();
  else {
    const mutation = await fixture.mutate();
    added = (mutation?.added?.length ?? 0) - (mutation?.deleted?.length ?? 0);
  }
  const how = fixture.grow ? 'grow()' : 'mutate()';
  const inc = await readFrom(id, `read from the final checkpoint after ${how}`, connector, fixture, before, full);
  checkSizes(inc, `read from the final checkpoint after ${how}`);
  const fresh = await fullRead(id, connector, fixture, `full read after ${how}`);
  checkSizes(fresh, `full read after ${how}`);
  if (added <= 0) return;
  checkGrowth(before, lastCheckpoint(id, fresh), added, `full read after ${how}`);
  if (inc.length) checkGrowth(before, inc[inc.length - 1]!.checkpoint, added, 'read from the final checkpoint');
};
