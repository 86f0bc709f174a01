import type { ConnectorState, Item, Page, PageState, ReadContext } from '@tributary/sdk';
import { PASS_PREFIX, WATERMARK_PREFIX, type ChatgptCheckpoint } from './checkpoint.js';
import { locateConversations, streamJsonArray } from './client.js';
import type { ChatgptExportConfig } from './config.js';
import { conversationId, toConversationItem, type ExportConversation } from './map.js';
import { jsonErrorText } from '../lib/json-error.js';

type Ctx = ReadContext<ChatgptExportConfig, ChatgptCheckpoint>;
type Errors = NonNullable<Page['errors']>;

/** The ids stored under `prefix` (the prefix stripped). */
async function idsUnder(state: ConnectorState, prefix: string): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const [k] of state.list(prefix)) out.add(k.slice(prefix.length));
  return out;
}

/** State changes that turn the ids stored under `prefix` from `stored` into `wanted` (O(difference)). */
function diffIds(prefix: string, stored: Set<string>, wanted: Set<string>, into: Required<PageState>): void {
  for (const id of stored) if (!wanted.has(id)) into.delete.push(prefix + id);
  for (const id of wanted) if (!stored.has(id)) into.set[prefix + id] = true;
}

/**
 * One pass over the export's conversations, streamed. A conversation is yielded when its `update_time` is after the
 * watermark of the last finished pass (a new export holds changed conversations with a later update_time), so a
 * re-read of the same export yields nothing and an edited conversation becomes a new version.
 */
export async function* readExport(ctx: Ctx): AsyncGenerator<Page<ChatgptCheckpoint>> {
  const { config } = ctx;
  const { file, key } = await locateConversations(config.exportPath);
  const base: ChatgptCheckpoint = ctx.checkpoint ?? { v: 2, since: -1 };
  // A run without a checkpoint sees an empty state (the engine's rule): nothing to look up then.
  const sinceIds = ctx.checkpoint ? await idsUnder(ctx.state, WATERMARK_PREFIX) : new Set<string>();
  const storedPass = ctx.checkpoint ? await idsUnder(ctx.state, PASS_PREFIX) : new Set<string>();
  // a pass of another file (the export was replaced mid-pass) starts over; the watermark stays
  const resumed = base.pass && base.pass.file === key;
  const pass = resumed ? { ...base.pass! } : { file: key, index: 0, max: base.since };
  const maxIds = new Set(resumed ? storedPass : sinceIds);
  let items: Item[] = [];
  let errors: Errors = [];
  const page = (done: boolean): Page<ChatgptCheckpoint> => {
    const state: Required<PageState> = { set: {}, delete: [] };
    let checkpoint: ChatgptCheckpoint;
    if (done) {
      // The pass's watermark becomes the committed one; the pass's records go.
      diffIds(WATERMARK_PREFIX, sinceIds, maxIds, state);
      diffIds(PASS_PREFIX, storedPass, new Set(), state);
      checkpoint = { v: 2, since: pass.max };
    } else {
      diffIds(PASS_PREFIX, storedPass, maxIds, state);
      storedPass.clear();
      for (const id of maxIds) storedPass.add(id);
      checkpoint = { v: 2, since: base.since, pass: { ...pass } };
    }
    const p: Page<ChatgptCheckpoint> = {
      items,
      checkpoint,
      ...(state.delete.length || Object.keys(state.set).length ? { state } : {}),
      ...(errors.length ? { errors } : {}),
    };
    items = [];
    errors = [];
    return p;
  };
  ctx.signal.throwIfAborted();
  for await (const el of streamJsonArray(file, config.maxConversationBytes)) {
    if (el.index < pass.index) continue; // committed by an earlier, interrupted run
    pass.index = el.index + 1;
    if ('tooLarge' in el) {
      errors.push({
        message: `conversation #${el.index} is ${el.tooLarge} characters, over maxConversationBytes; skipped`,
      });
      continue;
    }
    let c: ExportConversation;
    try {
      c = JSON.parse(el.json) as ExportConversation;
    } catch (err) {
      errors.push({ message: `conversation #${el.index} is not valid JSON: ${jsonErrorText(err)}` });
      continue;
    }
    const id = conversationId(c);
    const updated =
      typeof c.update_time === 'number' ? c.update_time : typeof c.create_time === 'number' ? c.create_time : 0;
    if (!id) {
      errors.push({ message: `conversation #${el.index} has no id; skipped` });
      continue;
    }
    if (updated > pass.max) {
      pass.max = updated;
      maxIds.clear();
      maxIds.add(id);
    } else if (updated === pass.max) maxIds.add(id);
    const changed = updated > base.since || (updated === base.since && !sinceIds.has(id));
    // a first sync bounded by backfillDays skips conversations last updated before `since`
    if (!changed || (ctx.since && updated * 1000 < ctx.since.getTime())) continue;
    const item = toConversationItem(c, { includeTools: config.includeToolMessages });
    if (item) items.push(item);
    if (items.length >= config.pageSize) {
      yield page(false);
      ctx.signal.throwIfAborted();
    }
  }
  yield page(true);
}
