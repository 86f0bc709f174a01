import type { Checkpoint, Item } from '@tributary/sdk';
import type { Embedder } from '../embedding/embedder.js';
import type { Pipeline } from '../pipeline/prepare.js';
import { isFailure } from '../pipeline/prepare.js';
import type { StateChange } from '../store/connector-state.js';
import type { CommitPageResult, MemoryStore, PreparedItem, RunCounts } from '../store/types.js';

export interface PageInput {
  sourceId: string;
  runId: string | null;
  items: Item[];
  deletes: string[];
  checkpoint: Checkpoint | undefined;
  /** Connector-state changes: committed with the checkpoint, in the page's last batch. */
  state?: StateChange;
  markSeen?: boolean;
  /** Failures the connector reported for this page. */
  upstreamFailures?: number;
  /** Counters accumulated since the last commit (API calls, waits), written with the page. */
  extraCounts?: Partial<RunCounts>;
  /** Called before each commit; returning true stops before it (abort), leaving the checkpoint where it was. */
  shouldStop?: () => boolean;
  /** Unused since embedding left the write path (the embedding backlog, search/embed-backlog.ts); kept for callers. */
  embedder?: Embedder;
  /** Aborts an embedding request in flight. */
  signal?: AbortSignal;
  /** Bulk backfill: the store may index these items in a later merge (see `CommitPageInput.deferIndex`). */
  deferIndex?: boolean;
}

export interface PageOutcome extends CommitPageResult {
  failed: number;
  failures: Array<{ externalId?: string; message: string }>;
  /** False when the page was cut short by an abort (its checkpoint was not committed). */
  complete: boolean;
}

/** Items prepared between two yields to the event loop (~1 ms of pipeline work for chat-sized items). */
const YIELD_EVERY = 64;

/** One transaction's worth of a prepared page. */
interface PreparedBatch {
  /** Items of the batch (valid external ids), for the run's items-seen count. */
  size: number;
  prepared: PreparedItem[];
  unchangedIds: string[];
  /** Excluded by a privacy rule: nothing stored; a copy stored before the rule existed is tombstoned. */
  excluded: string[];
  /** Pipeline failures of this batch. */
  failures: number;
}

/** A page after the pipeline, before anything of it is written (see {@link preparePage}). */
export interface PreparedPage {
  batches: PreparedBatch[];
  invalid: number;
  failures: Array<{ externalId?: string; message: string }>;
  /** Ids whose stored fingerprint was asked for, and how many of them the store had (see `PrepareOptions.lookup`). */
  lookedUp: number;
  known: number;
}

export interface PrepareOptions {
  /** Ids of a page whose commit may not have landed yet (see {@link preparePage}). */
  unsettled?: ReadonlySet<string>;
  /**
   * False: ask the store for no fingerprints; every item goes through the pipeline and the store tells new from
   * existing at commit (the same result, an existing item costs more). The runner turns lookups off while they keep
   * finding nothing (a backfill). @default true
   */
  lookup?: boolean;
}

/**
 * The store-free half of a page: de-duplication, fingerprint lookups and the pipeline. Writes nothing, so the
 * runner prepares page N+1 while page N commits. `unsettled` names the ids of a page whose commit may not have
 * landed yet: their stored fingerprints are not trusted (a lookup made now could miss that page's edit or deletion
 * of the same item), so they go through the pipeline and the store decides at commit time.
 */
export async function preparePage(
  store: MemoryStore,
  pipeline: Pipeline,
  page: Pick<PageInput, 'sourceId' | 'items'>,
  batchSize: number,
  options: PrepareOptions = {},
): Promise<PreparedPage> {
  const { unsettled, lookup = true } = options;
  // Last occurrence of an external id in a page wins (a connector may report an edit right after the original).
  const byId = new Map<string, Item>();
  const invalid: Item[] = [];
  for (const item of page.items) {
    if (item && typeof item.externalId === 'string' && item.externalId) {
      byId.delete(item.externalId);
      byId.set(item.externalId, item);
    } else invalid.push(item);
  }
  const items = [...byId.values()];
  const out: PreparedPage = { batches: [], invalid: invalid.length, failures: [], lookedUp: 0, known: 0 };
  for (const item of invalid)
    out.failures.push({ message: `Invalid item without externalId: ${JSON.stringify(item)?.slice(0, 200)}` });
  const batches = Math.max(1, Math.ceil(items.length / batchSize));
  for (let b = 0; b < batches; b++) {
    const batch = items.slice(b * batchSize, (b + 1) * batchSize);
    const failuresBefore = out.failures.length;
    const all = batch.map((i) => i.externalId);
    const ids = !lookup ? [] : unsettled?.size ? all.filter((id) => !unsettled.has(id)) : all;
    const known = ids.length ? await store.lookupFingerprints(page.sourceId, ids) : new Map<string, string>();
    out.lookedUp += ids.length;
    out.known += known.size;
    const prepared: PreparedItem[] = [];
    const unchangedIds: string[] = [];
    const excluded: string[] = [];
    for (const [i, item] of batch.entries()) {
      // The commit in flight (the page before) needs this thread between its statements: without these yields it
      // would wait for the whole page's pipeline before sending its next statement, and nothing would overlap.
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      if (pipeline.excluded(item)) {
        excluded.push(item.externalId);
        continue;
      }
      const fingerprint = pipeline.fingerprint(item);
      if (known.get(item.externalId) === fingerprint) {
        unchangedIds.push(item.externalId);
        continue;
      }
      const result = pipeline.prepare(item, fingerprint);
      if (isFailure(result)) out.failures.push(result);
      else prepared.push(result);
    }
    store.encodeItems?.(prepared);
    out.batches.push({
      size: batch.length,
      prepared,
      unchangedIds,
      excluded,
      failures: out.failures.length - failuresBefore,
    });
  }
  return out;
}

/**
 * Commits a prepared page. A page larger than the batch size commits in several transactions; only the last carries
 * the page's deletions, state and checkpoint, so a crash in between re-reads the page and the already-committed part
 * is recognised as unchanged — never lost, never duplicated.
 */
export async function commitPreparedPage(
  store: MemoryStore,
  page: PageInput,
  ready: PreparedPage,
): Promise<PageOutcome> {
  const outcome: PageOutcome = {
    created: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    failed: 0,
    failures: ready.failures,
    complete: true,
  };
  for (const [b, batch] of ready.batches.entries()) {
    const last = b === ready.batches.length - 1;
    // No embedding here: chunks commit first, their hashes enter the embedding backlog in the same transaction.
    if (page.shouldStop?.()) {
      outcome.complete = false;
      return outcome;
    }
    // The first batch also carries the invalid items and the connector's own failures.
    const failedHere = batch.failures + (b === 0 ? ready.invalid + (page.upstreamFailures ?? 0) : 0);
    const result = await store.commitPage({
      sourceId: page.sourceId,
      runId: page.runId,
      items: batch.prepared,
      unchangedIds: batch.unchangedIds,
      deletes: last ? [...batch.excluded, ...page.deletes] : batch.excluded,
      checkpoint: last ? page.checkpoint : undefined,
      state: last ? page.state : undefined,
      markSeen: page.markSeen,
      deferIndex: page.deferIndex,
      runCounts: {
        itemsSeen: batch.size + (b === 0 ? ready.invalid : 0),
        failed: failedHere,
        ...(b === 0 ? page.extraCounts : {}),
      },
    });
    outcome.created += result.created;
    outcome.updated += result.updated;
    outcome.unchanged += result.unchanged;
    outcome.deleted += result.deleted;
  }
  outcome.failed = outcome.failures.length + (page.upstreamFailures ?? 0);
  return outcome;
}

/** Runs a page through the pipeline and commits it ({@link preparePage}, then {@link commitPreparedPage}). */
export async function writePage(
  store: MemoryStore,
  pipeline: Pipeline,
  page: PageInput,
  batchSize: number,
): Promise<PageOutcome> {
  return commitPreparedPage(store, page, await preparePage(store, pipeline, page, batchSize));
}
