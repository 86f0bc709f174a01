import type { Item, Page, ReadContext } from '@tributary/sdk';
import type { ChatgptCheckpoint } from './checkpoint.js';
import { locateConversations, streamJsonArray } from './client.js';
import type { ChatgptExportConfig } from './config.js';
import { conversationId, toConversationItem, type ExportConversation } from './map.js';
import { jsonErrorText } from '../lib/json-error.js';

type Ctx = ReadContext<ChatgptExportConfig, ChatgptCheckpoint>;
type Errors = NonNullable<Page['errors']>;

/**
 * One pass over the export's conversations, streamed. A conversation is yielded when its `update_time` is after the
 * watermark of the last finished pass (a new export holds changed conversations with a later update_time), so a
 * re-read of the same export yields nothing and an edited conversation becomes a new version.
 */
export async function* readExport(ctx: Ctx): AsyncGenerator<Page<ChatgptCheckpoint>> {
  const { config } = ctx;
  const { file, key } = await locateConversations(config.exportPath);
  const base = ctx.checkpoint ?? { since: -1, sinceIds: [] };
  // a pass of another file (the export was replaced mid-pass) starts over; the watermark stays
  const pass =
    base.pass && base.pass.file === key
      ? { ...base.pass, maxIds: [...base.pass.maxIds] }
      : { file: key, index: 0, max: base.since, maxIds: [...base.sinceIds] };
  const sinceIds = new Set(base.sinceIds);
  let items: Item[] = [];
  let errors: Errors = [];
  const page = (done: boolean): Page<ChatgptCheckpoint> => {
    const checkpoint: ChatgptCheckpoint = done
      ? { since: pass.max, sinceIds: [...pass.maxIds] }
      : { since: base.since, sinceIds: base.sinceIds, pass: { ...pass, maxIds: [...pass.maxIds] } };
    const p: Page<ChatgptCheckpoint> = { items, checkpoint, ...(errors.length ? { errors } : {}) };
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
      pass.maxIds = [id];
    } else if (updated === pass.max && !pass.maxIds.includes(id)) pass.maxIds.push(id);
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
