import { defineConnector, TributaryError, type Item, type Page } from '@tributary/sdk';
import { stat } from 'node:fs/promises';
import { openSlackExport, parseJson } from './client.js';
import { DAY_PREFIX, dayKey, type SlackExportCheckpoint } from './config.js';
import { itemDigest, mapDayFile, splitDigests } from './map.js';
import { slackExportManifest } from './manifest.js';

/** Items per page: whole day files are grouped until a page holds at least this many. */
const PAGE_ITEMS = 50;

/**
 * Slack workspace export (.zip or folder): channels, private channels, DMs and group DMs with users' names
 * resolved, threads grouped and files as metadata. Pages group whole day files; the checkpoint keeps a short digest
 * of each message yielded, so reading a newer export of the same workspace yields only new or changed messages.
 */
export const slackExportConnector = defineConnector({
  manifest: slackExportManifest,

  async check(ctx) {
    try {
      const exp = await openSlackExport(ctx.config.path);
      exp.archive.close();
      const days = exp.conversations.reduce((n, c) => n + c.days.length, 0);
      return {
        ok: true,
        message: `Slack export with ${exp.conversations.length} conversations, ${exp.users.size} users and ${days} day files`,
      };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  },

  async discover(ctx) {
    const exp = await openSlackExport(ctx.config.path);
    exp.archive.close();
    return exp.conversations.map((c) => ({
      id: c.channel.id,
      name: c.channel.name ?? c.channel.id,
      kind: c.channel.kind ?? 'channel',
      metadata: { days: c.days.length },
    }));
  },

  async *read(ctx) {
    const { config } = ctx;
    if (!(await stat(config.path).catch(() => undefined))) {
      throw new TributaryError(
        'invalid_config',
        `Export path "${config.path}" does not exist: set config.path to the export's folder or .zip file`,
      );
    }
    const exp = await openSlackExport(config.path);
    try {
      const wanted = config.channels ? new Set(config.channels.map((c) => c.replace(/^#/, ''))) : undefined;
      const sinceDay = ctx.since?.toISOString().slice(0, 10);
      const present = new Set<string>();
      // A run without a checkpoint sees an empty state (the engine's rule): skip the lookups.
      const known = async (keys: string[]): Promise<Map<string, unknown>> =>
        ctx.checkpoint && keys.length ? ctx.state.getMany(keys) : new Map();
      let set: Record<string, string> = {};
      const opts = {
        excludeBotMessages: config.excludeBotMessages,
        excludeSystemMessages: config.excludeSystemMessages,
        channelsById: exp.channelsById,
        ...(config.workspaceUrl ? { workspaceUrl: config.workspaceUrl } : {}),
      };
      let done = 0;
      let items: Item[] = [];
      let errors: NonNullable<Page['errors']> = [];
      const flush = (gone: string[] = []): Page<SlackExportCheckpoint> => {
        const page: Page<SlackExportCheckpoint> = {
          items,
          state: { set, ...(gone.length ? { delete: gone } : {}) },
          checkpoint: { v: 2 },
        };
        if (errors.length) page.errors = errors;
        done += items.length;
        ctx.progress({ phase: 'messages', done });
        items = [];
        errors = [];
        set = {};
        return page;
      };
      for (const conv of exp.conversations) {
        if (wanted && !wanted.has(conv.channel.id) && !(conv.channel.name && wanted.has(conv.channel.name))) continue;
        const days = conv.days.filter((day) => !(sinceDay && day < sinceDay));
        const records = await known(days.map((day) => dayKey(conv.channel.id, day)));
        for (const day of days) {
          if (ctx.signal.aborted) return;
          const key = dayKey(conv.channel.id, day);
          present.add(key);
          const file = `${exp.prefix}${conv.folder}/${day}.json`;
          try {
            const mapped = mapDayFile(
              parseJson(await exp.archive.read(file), file),
              conv.channel,
              exp.users,
              opts,
              file,
            );
            const stored = records.get(key);
            const before = splitDigests(typeof stored === 'string' ? stored : undefined);
            let digests = '';
            for (const item of mapped.items) {
              const digest = itemDigest(item);
              digests += digest;
              if (!before.has(digest)) items.push(item);
            }
            errors.push(...mapped.errors);
            if (stored !== digests) set[key] = digests;
          } catch (err) {
            // Not recorded in state: a repaired file is read on the next sync.
            errors.push({ message: (err as Error).message });
          }
          if (items.length >= PAGE_ITEMS || Object.keys(set).length >= PAGE_ITEMS) yield flush();
        }
      }
      // Day files gone from this export (or outside the selection now) leave the state, keeping it small.
      const gone: string[] = [];
      if (ctx.checkpoint) for await (const [k] of ctx.state.list(DAY_PREFIX)) if (!present.has(k)) gone.push(k);
      yield flush(gone);
    } finally {
      exp.archive.close();
    }
  },
});

export default slackExportConnector;
