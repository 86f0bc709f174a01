import { PageStateSchema, TributaryError, type ConnectorState, type Page } from '@tributary/sdk';
import type { StateChange } from '../store/connector-state.js';
import type { MemoryStore } from '../store/types.js';

/** Records fetched per round trip by `list()`: memory stays O(this), whatever the size of the state. */
const LIST_PAGE = 500;

/**
 * The connector state a run reads, and what its pages write to it. State and checkpoint are one unit: a run
 * that starts without a checkpoint (first sync, full refresh, clean re-sync) reads an empty state, and its first
 * committed page clears the old records in the same transaction (`clear`), so a crash at any point leaves a
 * checkpoint with exactly the state committed with it.
 */
export interface RunState {
  view: ConnectorState;
  /** The store change for a page (validated), including the pending `clear`. */
  changeFor(page: Page): StateChange | undefined;
  /** After the page's last batch committed: the old records are gone, reads go to the store. */
  committed(): void;
}

/**
 * `settled` resolves once no commit of an earlier page is in flight (the runner prepares page N+1 while page N
 * commits): every read waits for it, so a connector reads the state of every page it yielded before, as if pages
 * committed one after the other.
 */
export function createRunState(
  store: MemoryStore,
  sourceId: string,
  fresh: boolean,
  settled: () => Promise<void> = async () => undefined,
): RunState {
  let clearPending = fresh;
  const view: ConnectorState = {
    async get(key) {
      await settled();
      if (clearPending) return undefined;
      return (await store.getConnectorState(sourceId, [key])).get(key);
    },
    async getMany(keys) {
      await settled();
      if (clearPending || !keys.length) return new Map();
      return store.getConnectorState(sourceId, keys);
    },
    async *list(prefix) {
      await settled();
      if (clearPending) return;
      let after: string | undefined;
      for (;;) {
        await settled();
        const rows = await store.listConnectorState(sourceId, { prefix, after, limit: LIST_PAGE });
        yield* rows;
        if (rows.length < LIST_PAGE) return;
        after = rows[rows.length - 1]![0];
      }
    },
  };
  return {
    view,
    changeFor(page) {
      let state = page.state;
      if (state !== undefined) {
        const parsed = PageStateSchema.safeParse(state);
        if (!parsed.success)
          throw new TributaryError('internal', `The connector yielded an invalid page state: ${parsed.error.message}`, {
            issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          });
        state = parsed.data;
      }
      if (!clearPending) return state;
      return { clear: true, ...state };
    },
    committed() {
      clearPending = false;
    },
  };
}
