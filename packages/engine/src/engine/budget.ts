import { statfs } from 'node:fs/promises';
import type { Item } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk/errors';
import type { MemoryStore } from '../store/types.js';

/**
 * Limits that stop one source (or one user) from filling the server: a runaway connector, a source that feeds on
 * the store's own writes, an export far bigger than expected. Generous by default; an operator tunes them with the
 * `TRIBUTARY_BUDGET_*` environment variables (docs/configuration.md). Bytes are UTF-8 bytes of content + title.
 */
export interface Budgets {
  /** Items one run may read. @default 5,000,000 */
  runItems: number;
  /** Bytes one run may read. @default 5 GiB */
  runBytes: number;
  /** Live memories one source may hold. @default 20,000,000 */
  sourceItems: number;
  /** Bytes one source may hold. @default 20 GiB */
  sourceBytes: number;
  /** Live memories all sources of one user may hold. @default 50,000,000 */
  userItems: number;
  /** Bytes all sources of one user may hold. @default 50 GiB */
  userBytes: number;
  /** Syncs stop before the data dir's disk has less free space than this… @default 1 GiB */
  diskReserveBytes: number;
  /** …or than this share of the disk, whichever is smaller (a small disk keeps 5 %, a big one 1 GiB). @default 5 (%) */
  diskReservePercent: number;
}

const GiB = 1024 ** 3;

export const DEFAULT_BUDGETS: Budgets = {
  runItems: 5_000_000,
  runBytes: 5 * GiB,
  sourceItems: 20_000_000,
  sourceBytes: 20 * GiB,
  userItems: 50_000_000,
  userBytes: 50 * GiB,
  diskReserveBytes: GiB,
  diskReservePercent: 5,
};

/** Free and total bytes of the file system holding `dir` (injected in tests). */
export type DiskProbe = (dir: string) => Promise<{ free: number; total: number }>;

export const statfsProbe: DiskProbe = async (dir) => {
  const s = await statfs(dir);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
};

export interface BudgetScope {
  sourceId: string;
  sourceName: string;
  ownerId: string;
}

/** Counts one run (or one push) against the budgets; `admit` before a page is written, `record` after. */
export interface BudgetMeter {
  /** @throws TributaryError `budget_exceeded` (not retryable) naming the limit, before anything of the page is written */
  admit(items: readonly Item[]): Promise<void>;
  /**
   * What the page changed in the store (created + updated items and their share of the page's bytes).
   * @throws TributaryError `budget_exceeded` (`details.pause`) when the totals are now over a limit
   */
  record(written: number, items: readonly Item[]): Promise<void>;
}

export function itemBytes(item: Item): number {
  return (
    Buffer.byteLength(typeof item?.content === 'string' ? item.content : '') +
    Buffer.byteLength(typeof item?.title === 'string' ? item.title : '')
  );
}

const human = (n: number): string =>
  n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${n} bytes`;

/**
 * Starts the meter of a run. Per-run limits and the disk reserve are checked before every page. Totals need the
 * source's and the owner's usage, an aggregate over their memories (on SQLite a sum over an index since migration
 * 10: 10–20 ms CPU for 35k memories here, 0.55 s before), so a pulled run reads it only once it first writes
 * something (an unchanged re-read never pays for it) and checks the totals after
 * that page and before every later one: a run passes a total by at most its first writing page, and then pauses the
 * source (`details.pause`: nothing changes by itself until the limit is raised or data purged). `eager` (push) reads
 * the usage at once, so a push over a total stores nothing.
 * @throws TributaryError `budget_exceeded` when the disk reserve (or, eager, a total) is already reached
 */
export async function startBudgetMeter(
  store: Pick<MemoryStore, 'usage'>,
  scope: BudgetScope,
  limits: Partial<Budgets> | undefined,
  disk: { dir?: string; probe?: DiskProbe } = {},
  options: { eager?: boolean } = {},
): Promise<BudgetMeter> {
  const b = { ...DEFAULT_BUDGETS, ...limits };
  const run = { items: 0, bytes: 0, newItems: 0, newBytes: 0 };
  /** Usage before this run's writes; unknown until the first write (or at once when eager). */
  let base: { source: { items: number; bytes: number }; user: { items: number; bytes: number } } | undefined;
  const loadBase = async (): Promise<void> => {
    const [source, user] = await Promise.all([
      store.usage({ sourceId: scope.sourceId }),
      store.usage({ ownerId: scope.ownerId }),
    ]);
    // The store already holds what this run wrote: the baseline is what was there before it.
    const less = (u: { items: number; bytes: number }) => ({
      items: u.items - run.newItems,
      bytes: u.bytes - run.newBytes,
    });
    base = { source: less(source), user: less(user) };
  };
  // The page admitted last and its size, so `record` does not measure it again.
  let last: { items: readonly Item[]; bytes: number } | undefined;
  const sizeOf = (items: readonly Item[]): number =>
    last?.items === items ? last.bytes : items.reduce((n, i) => n + itemBytes(i), 0);
  const stop = (limit: string, message: string): never => {
    throw new TributaryError('budget_exceeded', `Source "${scope.sourceName}" stopped: ${message}`, {
      details: { limit, pause: limit.startsWith('source') || limit.startsWith('user') },
      issues: [{ path: `budget.${limit}`, message }],
    });
  };
  const checkDisk = async (incoming: number): Promise<void> => {
    if (!disk.dir) return;
    const { free, total } = await (disk.probe ?? statfsProbe)(disk.dir);
    const reserve = Math.min(b.diskReserveBytes, (total * b.diskReservePercent) / 100);
    // Written data takes more than its text on disk (index, versions, chunks): count it three times.
    if (free - incoming * 3 < reserve)
      stop(
        'diskReserve',
        `only ${human(free)} free on the data directory's disk, below the reserve of ${human(reserve)}; free space (or raise TRIBUTARY_DISK_RESERVE_*), then sync again.`,
      );
  };
  const checkTotals = (items: number, bytes: number): void => {
    if (!base) return;
    const { source, user } = base;
    if (source.items + run.newItems + items > b.sourceItems)
      stop('sourceItems', `the source would hold more than ${b.sourceItems} items (TRIBUTARY_BUDGET_SOURCE_ITEMS).`);
    if (source.bytes + run.newBytes + bytes > b.sourceBytes)
      stop('sourceBytes', `the source would hold more than ${human(b.sourceBytes)} (TRIBUTARY_BUDGET_SOURCE_BYTES).`);
    if (user.items + run.newItems + items > b.userItems)
      stop('userItems', `its owner would hold more than ${b.userItems} items (TRIBUTARY_BUDGET_USER_ITEMS).`);
    if (user.bytes + run.newBytes + bytes > b.userBytes)
      stop('userBytes', `its owner would hold more than ${human(b.userBytes)} (TRIBUTARY_BUDGET_USER_BYTES).`);
  };
  if (options.eager) await loadBase();
  checkTotals(0, 0);
  await checkDisk(0);
  return {
    async admit(items) {
      if (items.length === 0) return;
      const bytes = sizeOf(items);
      last = { items, bytes };
      if (run.items + items.length > b.runItems)
        stop(
          'runItems',
          `one run may read at most ${b.runItems} items (TRIBUTARY_BUDGET_RUN_ITEMS); the next run continues from here.`,
        );
      if (run.bytes + bytes > b.runBytes)
        stop(
          'runBytes',
          `one run may read at most ${human(b.runBytes)} (TRIBUTARY_BUDGET_RUN_BYTES); the next run continues from here.`,
        );
      checkTotals(items.length, bytes);
      await checkDisk(bytes);
      run.items += items.length;
      run.bytes += bytes;
    },
    async record(written, items) {
      if (written <= 0 || items.length === 0) return;
      const bytes = sizeOf(items);
      run.newItems += written;
      run.newBytes += Math.ceil((bytes * Math.min(written, items.length)) / items.length);
      if (!base) await loadBase();
      checkTotals(0, 0);
    },
  };
}
