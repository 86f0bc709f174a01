import type { StateListOptions } from '../connector-state.js';

/** Connector state read back (it is written by `WriteStore.commitPage`'s `state`, in the page's transaction). */
export interface ConnectorStateStore {
  /** Values of those keys that exist. */
  getConnectorState(sourceId: string, keys: string[]): Promise<Map<string, unknown>>;
  /** Records in key order (bytewise), keyset-paged by `after`, at most `limit` records. */
  listConnectorState(sourceId: string, options: StateListOptions): Promise<Array<[string, unknown]>>;
}
