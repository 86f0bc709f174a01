import type { ConnectorState } from './context.js';
import type { PageState } from './item.js';

/**
 * Connector state held in a Map: for tests, benches and tools that run a connector without an engine. The
 * engine's state lives in the store (`connector_state`), committed with each page.
 */
export interface MemoryConnectorState extends ConnectorState {
  /** Applies a page's changes (`delete` first, then `set`), as the engine's commit does. */
  apply(change: PageState | undefined): void;
  /** A copy of every record. */
  snapshot(): Map<string, unknown>;
}

export function createMemoryState(initial?: Iterable<[string, unknown]>): MemoryConnectorState {
  const records = new Map<string, unknown>(initial);
  // Values are copied in and out so a connector cannot change committed state by mutating an object it holds.
  const copy = (v: unknown): unknown => (v === undefined ? undefined : structuredClone(v));
  return {
    get: (key) => Promise.resolve(copy(records.get(key))),
    getMany: (keys) => {
      const out = new Map<string, unknown>();
      for (const k of keys) if (records.has(k)) out.set(k, copy(records.get(k)));
      return Promise.resolve(out);
    },
    async *list(prefix = '') {
      const keys = [...records.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
      for (const k of keys) if (records.has(k)) yield [k, copy(records.get(k))] as [string, unknown];
    },
    apply(change) {
      for (const k of change?.delete ?? []) records.delete(k);
      for (const [k, v] of Object.entries(change?.set ?? {})) records.set(k, copy(v));
    },
    snapshot: () => new Map([...records].map(([k, v]) => [k, copy(v)])),
  };
}

/** Key order of connector state: by UTF-8 bytes, as SQLite's BINARY and PostgreSQL's "C" collation compare. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
