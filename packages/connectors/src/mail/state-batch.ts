import { createHash } from 'node:crypto';
import type { ConnectorState, PageState } from '@tributary/sdk';

/** Longest key written as is; longer ones (a deep path, a giant Message-ID) are hashed to stay under the SDK limit. */
const MAX_KEY = 900;

/** `prefix + name`, or `prefix + #sha256(name)` when that would be too long for a state key. */
export function stateKey(prefix: string, name: string): string {
  const key = prefix + name;
  return key.length <= MAX_KEY ? key : `${prefix}#${createHash('sha256').update(name).digest('hex')}`;
}

/**
 * Connector-state writes of a run, collected per page: `take()` hands the changes since the last page to
 * `page.state`. Reads see this run's own writes first (an overlay over the committed state), so the outcome does not
 * depend on when the engine commits a page. On a run without a checkpoint the committed state is empty by contract
 * and is never read.
 */
export class StateBatch {
  private readonly overlay = new Map<string, unknown>();
  private set: Record<string, unknown> = {};
  private del = new Set<string>();

  constructor(
    private readonly state: ConnectorState,
    private readonly empty: boolean,
  ) {}

  async get(key: string): Promise<unknown> {
    if (this.overlay.has(key)) return this.overlay.get(key);
    if (this.empty) return undefined;
    const v = await this.state.get(key);
    this.overlay.set(key, v);
    return v;
  }

  put(key: string, value: unknown): void {
    this.overlay.set(key, value);
    this.set[key] = value;
    this.del.delete(key);
  }

  remove(key: string): void {
    this.overlay.set(key, undefined);
    this.del.add(key);
    delete this.set[key];
  }

  /** Keys of `prefix` written (not removed) in this run, not yet necessarily committed. */
  *written(prefix: string): Iterable<string> {
    for (const [k, v] of this.overlay) if (v !== undefined && k.startsWith(prefix)) yield k;
  }

  /** Committed keys of `prefix` (none on a run without a checkpoint). */
  async *committed(prefix: string): AsyncIterable<[string, unknown]> {
    if (this.empty) return;
    yield* this.state.list(prefix);
  }

  /** The changes since the last call, for the next page. */
  take(): PageState | undefined {
    const out: PageState = {};
    if (Object.keys(this.set).length) out.set = this.set;
    if (this.del.size) out.delete = [...this.del];
    this.set = {};
    this.del = new Set();
    return out.set || out.delete ? out : undefined;
  }
}

/**
 * How many places (files, folder UIDs) hold each external id, so a message moved, copied or present twice is only
 * deleted when the last copy goes. `i:<id>` → count; an id whose count falls to 0 is parked as `p:<id>` and deleted
 * by {@link IdRefs.settle} at the end of the run (after every new place was read, so a move is never a delete);
 * parked ids are in state, so a crash before the end loses none.
 */
export class IdRefs {
  constructor(private readonly batch: StateBatch) {}

  async add(id: string): Promise<void> {
    const key = stateKey('i:', id);
    this.batch.put(key, (((await this.batch.get(key)) as number | undefined) ?? 0) + 1);
  }

  async drop(id: string): Promise<void> {
    const key = stateKey('i:', id);
    const n = (((await this.batch.get(key)) as number | undefined) ?? 0) - 1;
    if (n > 0) return this.batch.put(key, n);
    this.batch.remove(key);
    this.batch.put(stateKey('p:', id), id);
  }

  /** The parked ids no place holds any more: their deletes (and the state changes, in the same batch). */
  async settle(): Promise<string[]> {
    const parked = new Map<string, string>();
    for await (const [k, id] of this.batch.committed('p:')) parked.set(k, id as string);
    for (const k of this.batch.written('p:')) parked.set(k, (await this.batch.get(k)) as string);
    const deletes: string[] = [];
    for (const [k, id] of parked) {
      if ((await this.batch.get(k)) === undefined) continue; // already settled in this run
      if ((await this.batch.get(stateKey('i:', id))) === undefined) deletes.push(id);
      this.batch.remove(k);
    }
    return deletes;
  }
}
