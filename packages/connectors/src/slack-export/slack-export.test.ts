import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { createMemoryState, type Item, type MemoryConnectorState } from '@tributary/sdk';
import { slackExportConnector } from './index.js';
import { SLACK_ZIP, exportFiles, unzipToTemp } from './test-data.js';

const decoder = new TextDecoder();

/** Messages of the export counted straight from the JSON day files (no connector code involved). */
function rawMessages(): Array<{ channel: string; m: Record<string, unknown> }> {
  const out: Array<{ channel: string; m: Record<string, unknown> }> = [];
  for (const [name, bytes] of Object.entries(exportFiles())) {
    const match = /^([^/]+)\/\d{4}-\d{2}-\d{2}\.json$/.exec(name);
    if (!match) continue;
    for (const m of JSON.parse(decoder.decode(bytes)) as Array<Record<string, unknown>>)
      out.push({ channel: match[1]!, m });
  }
  return out;
}

/** Connector state as the engine keeps it: committed with each page, carried to the read that resumes. */
let state: MemoryConnectorState = createMemoryState();

async function readAll(
  config: Record<string, unknown>,
  checkpoint?: unknown,
): Promise<{ items: Item[]; checkpoint: unknown; errors: unknown[] }> {
  const ctx = createTestContext(slackExportConnector, { config, ...(checkpoint ? { checkpoint, state } : {}) });
  const pages = await collectPages(slackExportConnector, ctx);
  state = ctx.state as MemoryConnectorState;
  return {
    items: pages.flatMap((p) => p.items ?? []),
    checkpoint: pages.at(-1)?.checkpoint,
    errors: pages.flatMap((p) => p.errors ?? []),
  };
}

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('slack-export on the real slack-export-viewer archive', () => {
  it('yields all 158 messages from the zip when nothing is excluded', async () => {
    const raw = rawMessages();
    expect(raw).toHaveLength(158);
    const { items, errors } = await readAll({ path: SLACK_ZIP, excludeSystemMessages: false });
    expect(errors).toEqual([]);
    expect(items).toHaveLength(158);
    expect(new Set(items.map((i) => i.externalId)).size).toBe(158);
  });

  it('excludes system notices by default and bot messages on request, matching counts from the raw JSON', async () => {
    const raw = rawMessages();
    const system = raw.filter(({ m }) => m.subtype === 'channel_join' || m.subtype === 'bot_add').length;
    const bots = raw.filter(({ m }) => m.subtype === 'bot_message').length;
    expect(system).toBe(11);
    expect(bots).toBe(94);
    expect((await readAll({ path: SLACK_ZIP })).items).toHaveLength(158 - system);
    expect((await readAll({ path: SLACK_ZIP, excludeBotMessages: true })).items).toHaveLength(158 - system - bots);
  });

  it('resolves names, channels, links and keeps files as metadata', async () => {
    const { items } = await readAll({
      path: SLACK_ZIP,
      excludeSystemMessages: false,
      workspaceUrl: 'https://mesos-magellan.slack.com',
    });
    const byId = new Map(items.map((i) => [i.externalId, i]));
    const first = byId.get('C0JGLMMNX:1452837352.000006')!;
    expect(first.content).toBe(
      '@abilinski: Created an issue for a setup.py so that it can be installed to a standard place',
    );
    expect(first.author).toBe('Hamza Faran');
    expect(first.container).toBe('#enrique');
    expect(first.url).toBe('https://mesos-magellan.slack.com/archives/C0JGLMMNX/p1452837352000006');
    expect(byId.get('C0JGLMMNX:1452837318.000005')!.content).toBe('@heroeshannibal has joined the channel');
    const share = items.find((i) => i.metadata?.subtype === 'file_share')!;
    expect(share.container).toBe('#traveling-sailor');
    expect(share.content).toMatch(/^@doubledeez uploaded a file: /);
    expect(share.metadata?.files).toEqual([
      expect.objectContaining({ name: expect.any(String), mimetype: expect.any(String) }),
    ]);
    // The export's file urls carry access tokens in their query strings; none may reach an item.
    expect(JSON.stringify(items)).not.toMatch(/xox[a-z]-/);
    const commit = byId.get('C0JGLMMNX:1454892394.000004')!;
    expect(commit.metadata?.bot).toBe(true);
    expect(commit.content).toContain(
      'ed1acbe (https://github.com/mesos-magellan/enrique/commit/ed1acbe9837b5ddf91e93606b604df3c2b4e128f): executor with simulated annealing rough draft',
    );
  });

  it('reads the unzipped folder the same as the zip', async () => {
    const tmp = unzipToTemp();
    cleanup = tmp.cleanup;
    const fromZip = await readAll({ path: SLACK_ZIP });
    const fromDir = await readAll({ path: tmp.dir });
    expect(fromDir.items).toEqual(fromZip.items);
  });

  it('groups thread replies with their parent and yields only new or edited messages incrementally', async () => {
    const tmp = unzipToTemp();
    cleanup = tmp.cleanup;
    const full = await readAll({ path: tmp.dir });
    const day = path.join(tmp.dir, 'enrique', '2016-01-15.json');
    const messages = JSON.parse(readFileSync(day, 'utf8')) as Array<Record<string, unknown>>;
    const parent = messages.find((m) => m.ts === '1452845865.000008')!;
    parent.thread_ts = parent.ts;
    parent.reply_count = 1;
    messages.push({
      type: 'message',
      user: 'U0BMQB6JE',
      ts: '1452846999.000001',
      thread_ts: parent.ts,
      parent_user_id: parent.user,
      text: 'answering in <#C0JL6CGQ2>',
    });
    writeFileSync(day, JSON.stringify(messages));
    const inc = await readAll({ path: tmp.dir }, full.checkpoint);
    expect(inc.items.map((i) => i.externalId).sort()).toEqual([
      'C0JGLMMNX:1452845865.000008',
      'C0JGLMMNX:1452846999.000001',
    ]);
    const [p, r] = inc.items.sort((a, b) => a.externalId.localeCompare(b.externalId));
    expect(p!.thread).toBe('C0JGLMMNX:1452845865.000008');
    expect(r!.thread).toBe(p!.thread);
    expect(r!.content).toBe('answering in #traveling-sailor');
    const again = await readAll({ path: tmp.dir }, inc.checkpoint);
    expect(again.items).toEqual([]);
  });

  it('reports a corrupt day file as a page error and keeps reading', async () => {
    const tmp = unzipToTemp();
    cleanup = tmp.cleanup;
    writeFileSync(path.join(tmp.dir, 'enrique', '2016-01-15.json'), '[{"ts": "1.0", "text": "tru');
    const { items, errors } = await readAll({ path: tmp.dir, excludeSystemMessages: false });
    expect(errors).toEqual([{ message: expect.stringContaining('enrique/2016-01-15.json is not valid JSON') }]);
    const inFile = JSON.parse(decoder.decode(exportFiles()['enrique/2016-01-15.json'])) as unknown[];
    expect(inFile.length).toBeGreaterThan(0);
    expect(items).toHaveLength(158 - inFile.length);
  });

  it('check() explains a path that is not an export', async () => {
    const bad = await slackExportConnector.check(
      createConnectorContext(slackExportConnector, { config: { path: path.dirname(SLACK_ZIP) } }),
    );
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/not a Slack export/);
    const missing = await slackExportConnector.check(
      createConnectorContext(slackExportConnector, { config: { path: '/nonexistent/export.zip' } }),
    );
    expect(missing).toEqual({ ok: false, message: expect.stringMatching(/does not exist/) });
    const good = await slackExportConnector.check(
      createConnectorContext(slackExportConnector, { config: { path: SLACK_ZIP } }),
    );
    expect(good).toEqual({ ok: true, message: expect.stringContaining('2 conversations') });
  });
});
