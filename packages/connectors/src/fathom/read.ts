import { TributaryError, type Item, type Page, type ReadContext } from '@tributary/sdk';
import { MEETING_PREFIX, type FathomCheckpoint, type MeetingState } from './checkpoint.js';
import { FathomClient } from './client.js';
import type { FathomConfig } from './config.js';
import { itemHash, toMeetingItem, type FathomMeetingPage } from './map.js';

type Ctx = ReadContext<FathomConfig, FathomCheckpoint>;

/** Lists a page; a refused cursor starts the pass over once (Fathom's cursors are opaque and may expire). */
async function listPage(
  client: FathomClient,
  opts: Parameters<FathomClient['meetings']>[0],
  restart: () => void,
): Promise<FathomMeetingPage> {
  try {
    return await client.meetings(opts);
  } catch (err) {
    if (!(err instanceof TributaryError) || err.code !== 'cursor_invalid' || !opts.cursor) throw err;
    restart();
    return client.meetings({ ...opts, cursor: undefined });
  }
}

/**
 * Incremental pass: meetings created since the last one (`created_after`, with transcript, summary and action
 * items), newest first, a page each; unchanged ones (by hash) are skipped. Then, when due, a reconcile pass lists
 * every meeting without content and deletes what Fathom no longer has (see checkpoint.ts).
 */
export async function* readMeetings(ctx: Ctx): AsyncGenerator<Page<FathomCheckpoint>> {
  const { config } = ctx;
  const client = await FathomClient.create(ctx);
  const cp: FathomCheckpoint = ctx.checkpoint ?? { v: 1, gen: 0 };
  const now = new Date(ctx.clock.now()).toISOString();
  let { since, reconciledAt, cursor, top } = cp;
  let phase: FathomCheckpoint['phase'] = cp.phase ?? 'incremental';
  let gen = cp.gen;
  const checkpoint = (): FathomCheckpoint => ({
    v: 1,
    gen,
    ...(since ? { since } : {}),
    ...(reconciledAt ? { reconciledAt } : {}),
    ...(phase ? { phase } : {}),
    ...(cursor ? { cursor } : {}),
    ...(top ? { top } : {}),
  });
  const due = (): boolean =>
    !reconciledAt || Date.parse(now) - Date.parse(reconciledAt) >= config.reconcileHours * 3_600_000;
  ctx.signal.throwIfAborted();

  if (phase === 'incremental') {
    // a pass from nothing lists everything there is: it is a reconciliation too
    const complete = !since;
    const after = since ?? ctx.since?.toISOString();
    do {
      const page = await listPage(client, { cursor, createdAfter: after, content: true }, () => (top = undefined));
      const items: Item[] = [];
      const set: Record<string, MeetingState> = {};
      const stored = await ctx.state.getMany(page.items.map((m) => MEETING_PREFIX + m.recording_id));
      for (const m of page.items) {
        const item = toMeetingItem(m);
        const h = itemHash(item);
        const before = stored.get(MEETING_PREFIX + m.recording_id) as MeetingState | undefined;
        if (!top || m.created_at > top) top = m.created_at;
        if (before?.h === h) continue;
        items.push(item);
        set[MEETING_PREFIX + m.recording_id] = { h, g: before?.g ?? gen };
      }
      cursor = page.next_cursor ?? undefined;
      if (!cursor) {
        if (top && (!since || top > since)) since = top;
        top = undefined;
        if (complete) reconciledAt = now;
        phase = due() ? 'reconcile' : undefined;
      }
      yield { items, checkpoint: checkpoint(), ...(Object.keys(set).length ? { state: { set } } : {}) };
      ctx.signal.throwIfAborted();
    } while (cursor);
  }

  if (phase === 'reconcile') {
    do {
      const page = await listPage(client, { cursor, content: false }, () => undefined);
      const stored = await ctx.state.getMany(page.items.map((m) => MEETING_PREFIX + m.recording_id));
      const set: Record<string, MeetingState> = {};
      // only meetings already stored are marked; one listed but never stored comes with the next incremental pass
      for (const [key, value] of stored) set[key] = { ...(value as MeetingState), g: gen + 1 };
      cursor = page.next_cursor ?? undefined;
      if (!cursor) phase = 'sweep';
      yield { checkpoint: checkpoint(), ...(Object.keys(set).length ? { state: { set } } : {}) };
      ctx.signal.throwIfAborted();
    } while (cursor);
  }

  if (phase === 'sweep') {
    let deletes: string[] = [];
    for await (const [key, value] of ctx.state.list(MEETING_PREFIX)) {
      if ((value as MeetingState).g > gen) continue;
      deletes.push(key.slice(MEETING_PREFIX.length));
      if (deletes.length >= 200) {
        yield { deletes, state: { delete: deletes.map((d) => MEETING_PREFIX + d) }, checkpoint: checkpoint() };
        deletes = [];
      }
    }
    gen += 1;
    reconciledAt = now;
    phase = undefined;
    yield {
      ...(deletes.length ? { deletes, state: { delete: deletes.map((d) => MEETING_PREFIX + d) } } : {}),
      checkpoint: checkpoint(),
    };
  }
}
