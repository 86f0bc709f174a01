import { defineConnector, TributaryError, type HttpClient, type Item, type Page } from '@tributary/sdk';
import { expandCalendar, type ExpandedCalendar } from './calendar.js';
import { deletedIds, digestOf, seenValue } from './checkpoint.js';
import { loadCalendar } from './client.js';
import { type IcsCheckpoint, type IcsConfig } from './config.js';
import { itemDigest, toEventItem } from './map.js';
import { icsManifest } from './manifest.js';

const DAY = 86_400_000;
/** Items per page. */
const PAGE_ITEMS = 100;

async function readCalendar(
  config: IcsConfig,
  http: HttpClient,
  now: number,
): Promise<{ calendar: ExpandedCalendar; window: { start: number; end: number }; label: string }> {
  const source = await loadCalendar(config, http);
  const window = { start: now - config.windowPastDays * DAY, end: now + config.windowFutureDays * DAY };
  try {
    const calendar = expandCalendar(source.text, {
      windowStart: window.start,
      windowEnd: window.end,
      defaultZone: config.timeZone,
    });
    return { calendar, window, label: source.label };
  } catch (err) {
    throw new TributaryError('record_invalid', `${source.label} is not valid iCalendar: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * iCalendar (.ics) files and calendar urls (Google Calendar's secret address, Outlook/Exchange publishing):
 * events with their time zones, recurring series expanded inside a window around now, overrides applied, and
 * cancellations (STATUS:CANCELLED, EXDATE) and vanished events reported as deletions.
 */
export const icsConnector = defineConnector({
  manifest: icsManifest,

  async check(ctx) {
    try {
      const { calendar, label } = await readCalendar(ctx.config, ctx.http, ctx.clock.now());
      return { ok: true, message: `${calendar.name ?? label}: ${calendar.events.length} events in the window` };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  },

  async *read(ctx) {
    if (ctx.signal.aborted) return;
    const { calendar, window } = await readCalendar(ctx.config, ctx.http, ctx.clock.now());
    const previous = ctx.checkpoint?.seen ?? {};
    const current = new Map<string, { item: Item; value: string }>();
    for (const event of calendar.events) {
      if (current.has(event.externalId)) continue;
      const item = toEventItem(event, calendar.name);
      current.set(event.externalId, {
        item,
        value: seenValue(itemDigest(item), event.instance ? item.occurredAt : undefined),
      });
    }
    const changed = [...current.values()].filter(
      ({ item, value }) => digestOf(previous[item.externalId]) !== digestOf(value),
    );
    const deletes = deletedIds(previous, new Set(current.keys()), window, {
      ids: calendar.cancelled,
      uids: calendar.cancelledUids,
    });
    // Intermediate pages add what they yielded to the old map; the last one replaces it with the current state.
    const partial: IcsCheckpoint['seen'] = { ...previous };
    for (let start = 0; start + PAGE_ITEMS < changed.length; start += PAGE_ITEMS) {
      if (ctx.signal.aborted) return;
      const slice = changed.slice(start, start + PAGE_ITEMS);
      for (const { item, value } of slice) partial[item.externalId] = value;
      yield { items: slice.map((c) => c.item), checkpoint: { seen: { ...partial } } };
    }
    const lastStart = Math.floor(Math.max(0, changed.length - 1) / PAGE_ITEMS) * PAGE_ITEMS;
    const seen: IcsCheckpoint['seen'] = {};
    for (const [id, { value }] of current) seen[id] = value;
    const page: Page<IcsCheckpoint> = { items: changed.slice(lastStart).map((c) => c.item), checkpoint: { seen } };
    if (deletes.length) page.deletes = deletes;
    if (calendar.errors.length) page.errors = calendar.errors;
    ctx.progress({ phase: 'events', done: changed.length, total: changed.length });
    yield page;
  },
});

export default icsConnector;
