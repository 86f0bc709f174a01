import type { Item, Page, ReadContext } from '@tributary/sdk';
import { RECORD_PREFIX, type LinkedinCheckpoint, type RecordState } from './checkpoint.js';
import { LinkedinClient } from './client.js';
import { DOMAIN_STREAMS, type LinkedinConfig } from './config.js';
import { itemHash, toChangeResult, toSnapshotItem } from './map.js';

type Ctx = ReadContext<LinkedinConfig, LinkedinCheckpoint>;
type Errors = NonNullable<Page['errors']>;

const DAY = 86_400_000;
/** The change log keeps 28 days; a watermark older than this (minus a margin) means events may be lost. */
const CHANGELOG_WINDOW = 27 * DAY;

const hasNext = (paging: { links?: Array<{ rel?: string }> } | undefined): boolean =>
  Boolean(paging?.links?.some((l) => l.rel === 'next'));

/**
 * A snapshot when none was read, when `snapshotEveryDays` passed or when the change log's window was missed;
 * otherwise the change log since the last `processedAt`. See checkpoint.ts.
 */
export async function* readLinkedin(ctx: Ctx): AsyncGenerator<Page<LinkedinCheckpoint>> {
  const { config } = ctx;
  const client = await LinkedinClient.create(ctx);
  const cp: LinkedinCheckpoint = ctx.checkpoint ?? { v: 1, gen: 0 };
  const now = ctx.clock.now();
  let { since, snapshotAt, phase, domain, start } = cp;
  let gen = cp.gen;
  const checkpoint = (): LinkedinCheckpoint => ({
    v: 1,
    gen,
    ...(since !== undefined ? { since } : {}),
    ...(snapshotAt ? { snapshotAt } : {}),
    ...(phase ? { phase } : {}),
    ...(domain !== undefined ? { domain } : {}),
    ...(start !== undefined ? { start } : {}),
  });
  const stale =
    !snapshotAt ||
    now - Date.parse(snapshotAt) >= config.snapshotEveryDays * DAY ||
    (since !== undefined && now - since > CHANGELOG_WINDOW);
  ctx.signal.throwIfAborted();

  if (!phase) {
    // The change log first (cheap): it carries posts between snapshots
    let from = 0;
    let newest = since;
    for (;;) {
      const page = await client.changes(since, from);
      const items: Item[] = [];
      const deletes: string[] = [];
      const set: Record<string, RecordState> = {};
      const errors: Errors = [];
      const stored = await ctx.state.getMany(page.elements.map((e) => RECORD_PREFIX + e.resourceId));
      for (const e of page.elements) {
        if (newest === undefined || e.processedAt > newest) newest = e.processedAt;
        const r = toChangeResult(e);
        if ('skip' in r) continue;
        if ('delete' in r) {
          if (stored.has(RECORD_PREFIX + r.delete)) deletes.push(r.delete);
          continue;
        }
        const h = itemHash(r.item);
        const before = stored.get(RECORD_PREFIX + r.item.externalId) as RecordState | undefined;
        if (before?.h === h) continue; // an event seen again (startTime is inclusive)
        items.push(r.item);
        set[RECORD_PREFIX + r.item.externalId] = { h, g: before?.g ?? gen, s: r.item.stream };
      }
      from += page.elements.length;
      const more = hasNext(page.paging) && page.elements.length > 0;
      if (!more) since = newest ?? since ?? now;
      yield {
        items,
        ...(deletes.length ? { deletes } : {}),
        checkpoint: checkpoint(),
        ...(Object.keys(set).length || deletes.length
          ? { state: { set, delete: deletes.map((d) => RECORD_PREFIX + d) } }
          : {}),
        ...(errors.length ? { errors } : {}),
      };
      ctx.signal.throwIfAborted();
      if (!more) break;
    }
    if (stale) {
      phase = 'snapshot';
      domain = 0;
      start = 0;
    }
  }

  if (phase === 'snapshot') {
    for (; domain! < config.domains.length; domain = domain! + 1, start = 0) {
      const name = config.domains[domain!]!;
      for (;;) {
        const page = await client.snapshot(name, start ?? 0);
        const items: Item[] = [];
        const errors: Errors = [];
        const records = page.elements.filter((e) => e.snapshotDomain === name).flatMap((e) => e.snapshotData ?? []);
        const mapped = records.map((rec) => toSnapshotItem(name, rec));
        const ids = mapped.flatMap((m) => ('item' in m ? [RECORD_PREFIX + m.item.externalId] : []));
        const stored = await ctx.state.getMany(ids);
        const set: Record<string, RecordState> = {};
        for (const m of mapped) {
          if ('error' in m) {
            errors.push({ message: `${name}: ${m.error}` });
            continue;
          }
          const key = RECORD_PREFIX + m.item.externalId;
          if (set[key]) continue; // the same record twice in a page
          const h = itemHash(m.item);
          set[key] = { h, g: gen + 1, s: DOMAIN_STREAMS[name] };
          if ((stored.get(key) as RecordState | undefined)?.h !== h) items.push(m.item);
        }
        start = (start ?? 0) + page.elements.length;
        const more = hasNext(page.paging) && page.elements.length > 0;
        if (!more && domain! + 1 >= config.domains.length) phase = 'sweep';
        yield {
          items,
          checkpoint: more
            ? checkpoint()
            : { ...checkpoint(), ...(phase === 'sweep' ? {} : { domain: domain! + 1, start: 0 }) },
          ...(Object.keys(set).length ? { state: { set } } : {}),
          ...(errors.length ? { errors } : {}),
        };
        ctx.signal.throwIfAborted();
        if (!more) break;
      }
    }
  }

  if (phase === 'sweep') {
    // Records the snapshot no longer holds: deleted on LinkedIn (or a domain taken out of the config)
    let deletes: string[] = [];
    domain = undefined;
    start = undefined;
    for await (const [key, value] of ctx.state.list(RECORD_PREFIX)) {
      if ((value as RecordState).g > gen) continue;
      deletes.push(key.slice(RECORD_PREFIX.length));
      if (deletes.length >= 200) {
        yield { deletes, state: { delete: deletes.map((d) => RECORD_PREFIX + d) }, checkpoint: checkpoint() };
        deletes = [];
      }
    }
    gen += 1;
    phase = undefined;
    snapshotAt = new Date(now).toISOString();
    yield {
      ...(deletes.length ? { deletes, state: { delete: deletes.map((d) => RECORD_PREFIX + d) } } : {}),
      checkpoint: checkpoint(),
    };
  }
}
