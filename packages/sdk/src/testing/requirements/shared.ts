import type { AnyConnector } from '../../connector.js';
import type { Checkpoint, Page } from '../../item.js';
import { createTestContext, type TestReadContextOptions } from '../context.js';
import type { ConformanceFixture, RequirementId } from '../fixture.js';
import { createMemoryState } from '../../state.js';
import { applyPages, collectPages, stateAfter, type AppliedState } from '../pages.js';

/** A failed requirement: the message says which id, page or checkpoint went wrong. */
export class ConformanceError extends Error {
  readonly requirement: RequirementId;
  constructor(requirement: RequirementId, message: string, options?: { cause?: unknown }) {
    super(`[${requirement}] ${message}`, options);
    this.name = 'ConformanceError';
    this.requirement = requirement;
  }
}

/** A requirement check: resolves when the connector meets it, throws a {@link ConformanceError} otherwise. */
export type RequirementCheck = (connector: AnyConnector, fixture: ConformanceFixture) => Promise<void>;

/** Context options from the fixture (config, credentials, features, clock, fetch), plus overrides. */
export function fixtureContextOptions(
  fixture: ConformanceFixture,
  extra: TestReadContextOptions = {},
): TestReadContextOptions {
  return {
    config: fixture.config,
    ...(fixture.credentials ? { credentials: fixture.credentials } : {}),
    ...(fixture.features ? { features: fixture.features } : {}),
    ...(fixture.clock ? { clock: fixture.clock } : {}),
    ...(fixture.fetch ? { fetch: fixture.fetch } : {}),
    ...extra,
  };
}

/** Pages of one read; a thrown error is wrapped so the message names the requirement and the read. */
export async function readPages(
  id: RequirementId,
  what: string,
  connector: AnyConnector,
  fixture: ConformanceFixture,
  extra: TestReadContextOptions = {},
): Promise<Page[]> {
  try {
    return await collectPages(connector, createTestContext(connector, fixtureContextOptions(fixture, extra)));
  } catch (err) {
    throw new ConformanceError(id, `${what} failed: ${describeError(err)}`, { cause: err });
  }
}

/** A full read from scratch (no checkpoint, mode backfill). */
export function fullRead(
  id: RequirementId,
  connector: AnyConnector,
  fixture: ConformanceFixture,
  what = 'full read',
): Promise<Page[]> {
  return readPages(id, what, connector, fixture);
}

/**
 * A resumed read from a checkpoint, stored and loaded the way the engine does (JSON round trip), with the
 * connector state committed beside it: the state of the pages up to the one that carried the checkpoint.
 */
export function readFrom(
  id: RequirementId,
  what: string,
  connector: AnyConnector,
  fixture: ConformanceFixture,
  checkpoint: Checkpoint | undefined,
  committed: Page[] = [],
): Promise<Page[]> {
  const stored = checkpoint === undefined ? undefined : (JSON.parse(JSON.stringify(checkpoint)) as unknown);
  if (stored === undefined) return readPages(id, what, connector, fixture);
  // JSON round trip of the state too: the store keeps JSON, so a value that does not survive it is a bug.
  const state = createMemoryState(
    [...stateAfter(committed).snapshot()].map(([k, v]) => [k, JSON.parse(JSON.stringify(v) ?? 'null')]),
  );
  return readPages(id, what, connector, fixture, { checkpoint: stored, state });
}

export function stateOf(pages: Page[], base?: AppliedState): AppliedState {
  return applyPages(base ? new Map(base) : new Map(), pages);
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.name}${typeof code === 'string' ? ` (${code})` : ''}: ${err.message}`;
  }
  return String(err);
}

/** `ids` quoted and capped for messages. */
export function listIds(ids: Iterable<string>, max = 10): string {
  const all = [...ids];
  return (
    all
      .slice(0, max)
      .map((i) => JSON.stringify(i))
      .join(', ') + (all.length > max ? ` … (+${all.length - max})` : '')
  );
}

export function lastCheckpoint(id: RequirementId, pages: Page[]): Checkpoint {
  const last = pages[pages.length - 1];
  if (!last)
    throw new ConformanceError(id, 'the full read yielded no pages; the fixture upstream must hold at least one item');
  return last.checkpoint;
}
