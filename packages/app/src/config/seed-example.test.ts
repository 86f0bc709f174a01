import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClients } from '@tributary/engine';
import { slackConnector } from '@tributary/connectors/slack/index';
import { claudeStreamConnector } from '@tributary/connectors/sqlite/claude-stream';
import { seedSlackWorkspace, startSlackTwin, type SlackTwin } from '../../../../test/twins/slack/index.js';
import { harness } from '../cli/test-support/harness.js';
import { startTestServer, type TestServer } from '../api/test-support/server.js';

/** The configuration example of the seed (../shared/SEED-CONTRACTS.md §A), verbatim apart from the chats.db path. */
const seedExample = (dbPath: string) => ({
  sources: [
    {
      id: 'slack-work',
      type: 'slack',
      name: 'Work Slack',
      config: {
        channels: { mode: 'include', list: ['#engineering', '#product', '#general'] },
        dms: { enabled: true, mode: 'all' },
        sync: { interval_minutes: 60, backfill_days: 90 },
        filters: { min_message_length: 20, exclude_bot_messages: true },
      },
    },
    {
      id: 'claude-stream',
      type: 'claude-stream',
      name: 'Claude Code Sessions',
      config: { db_path: dbPath, auto_extract: true, poll_interval_ms: 5000 },
    },
  ],
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-seed-example-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the seed configuration example', () => {
  it('applies verbatim with exit 0 (dry run first); every key lands under its setting; names resolve', async () => {
    const h = harness([slackConnector, claudeStreamConnector], path.join(dir, 'home'), dir);
    const file = path.join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify(seedExample(path.join(dir, 'chats.db')), null, 2));
    const dry = await h.run('apply', '-f', file, '--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+ Work Slack (slack, id slack-work)');
    const r = await h.run('apply', '-f', file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const slack = (await h.run('sources', 'show', 'Work Slack', '--json')).json();
    expect(slack).toMatchObject({ id: 'slack-work', name: 'Work Slack', schedule: { intervalMinutes: 60 } });
    expect(slack.config).toEqual({
      channels: { mode: 'include', list: ['#engineering', '#product', '#general'] },
      dms: { enabled: true, mode: 'all' },
      sync: { backfillDays: 90 },
      filters: { minMessageLength: 20, excludeBotMessages: true },
    });
    const claude = (await h.run('sources', 'show', 'claude-stream', '--json')).json();
    expect(claude).toMatchObject({ name: 'Claude Code Sessions', schedule: null });
    expect(claude.config).toEqual({ dbPath: path.join(dir, 'chats.db'), autoExtract: true, pollIntervalMs: 5000 });
    // Applying the same file again finds nothing to change (stored keys compare equal to the file's).
    const again = await h.run('apply', '-f', file);
    expect(again.stdout).toContain('Nothing to do');
  });
});

describe('the seed example’s Slack settings take effect (Slack twin)', () => {
  let twin: SlackTwin;
  let server: TestServer;
  const DAY = 86_400_000;
  beforeAll(async () => {
    // 200 days of history, one message a day per channel: the first 110 days lie outside backfill_days 90.
    const seed = seedSlackWorkspace({
      channels: 4,
      messagesPerChannel: 200,
      dms: 1,
      startMs: Date.now() - 200 * DAY,
      spacingMs: DAY,
    });
    ['engineering', 'product', 'general', 'random'].forEach((n, i) => (seed.state.channels[i]!.name = n));
    twin = await startSlackTwin(seed.state);
    server = await startTestServer({ connectors: [slackConnector], oauth: createOAuthClients({ env: {} }) });
  });
  afterAll(async () => {
    await server.close();
    await twin.close();
  });

  it('channels list, exclude_bot_messages, min_message_length and backfill_days bound what is stored', async () => {
    const declared = seedExample('/unused').sources[0]!;
    const source = await server.engine.sources.add({
      connector: 'slack',
      name: declared.name,
      config: { ...declared.config, base_url: twin.apiUrl },
      credential: { kind: 'token', token: 'xoxb-twin-bot' },
    });
    expect(source.schedule).toEqual({ intervalMinutes: 60 });
    // The seeded DM is older than 90 days; a recent one must be read (dms.enabled, mode all).
    const dm = twin.state.channels.find((c) => c.kind === 'im')!;
    twin.state.post(dm.id, { user: dm.user!, text: 'a direct message that is long enough to keep' });
    const run = await server.engine.sync(source.id);
    expect(run.status).toBe('succeeded');
    const stored = [];
    for await (const m of server.engine.store.exportMemories(source.id)) stored.push(m);
    expect(stored.length).toBeGreaterThan(50);

    const channels = twin.state.channels;
    const byId = new Map(channels.map((c) => [c.id, c]));
    const listed = new Set(['engineering', 'product', 'general']);
    const oldest = Date.now() - 90 * DAY - 60_000;
    const containers = new Set(stored.map((m) => m.metadata.channelId ?? m.container));
    // The twin holds what each filter must drop, so this test fails if a setting is ignored.
    const all = channels.flatMap((c) => c.messages.map((m) => ({ c, m })));
    expect(all.some(({ m }) => m.bot_id)).toBe(true);
    expect(all.some(({ m }) => m.text.length < 20)).toBe(true);
    expect(all.some(({ m }) => Number(m.ts) * 1000 < oldest)).toBe(true);
    for (const m of stored) {
      expect(m.content.length).toBeGreaterThanOrEqual(20); // filters.min_message_length
      expect(Date.parse(m.occurredAt!)).toBeGreaterThanOrEqual(oldest); // sync.backfill_days
      expect(m.metadata.bot ?? m.metadata.botId ?? m.metadata.subtype).not.toBe('bot_message'); // exclude_bot_messages
      expect(m.author ?? '').not.toMatch(/bot/i);
    }
    // channels.mode include + list: only the listed channels (and DMs, enabled) are read; #random is not.
    const seen = [...containers].map((c) => byId.get(String(c)) ?? channels.find((x) => x.name === c));
    expect(seen.filter((c) => c?.kind === 'channel').every((c) => listed.has(c!.name!))).toBe(true);
    expect(seen.some((c) => c?.name === 'random')).toBe(false);
    expect(new Set(seen.filter((c) => c?.kind === 'channel').map((c) => c!.name))).toEqual(listed);
    // dms.enabled with mode all: the DM is read too.
    expect(seen.some((c) => c?.kind === 'im')).toBe(true);
  });
});
