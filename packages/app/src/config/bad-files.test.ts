import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackConnector } from '@tributary/connectors/slack/index';
import { claudeStreamConnector } from '@tributary/connectors/sqlite/claude-stream';
import { harness } from '../cli/test-support/harness.js';

/**
 * `apply --dry-run` validates everything the real `apply` does: on each bad file both exit 2 with the same error,
 * and neither changes anything (each file also declares a good source, which must not be created).
 */
let dir: string;
let h: ReturnType<typeof harness>;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-bad-files-'));
  h = harness([slackConnector, claudeStreamConnector], path.join(dir, 'home'), dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = () => ({
  id: 'claude',
  type: 'claude-stream',
  name: 'Claude Code Sessions',
  config: { db_path: '/tmp/c.db' },
});
const slack = (config: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  sources: [good(), { id: 'slack-work', type: 'slack', name: 'Work Slack', config, ...over }],
});

/** [what, file (object → JSON, string → YAML), a part of the error the user must see] */
const cases: Array<[string, unknown, string]> = [
  ['unknown source key', { sources: [good(), { ...good(), id: 'x', name: 'x', nmae: 'y' }] }, 'did you mean "name"?'],
  ['unknown top-level key', { source: [] }, 'did you mean "sources"?'],
  ['unknown config key', slack({ filters: { exclude_bot_message: true } }), 'did you mean "excludeBotMessages"?'],
  ['unknown nested config key', slack({ channels: { mdoe: 'all' } }), 'did you mean "mode"?'],
  ['bad enum value', slack({ channels: { mode: 'some' } }), 'sources.1.config.channels.mode'],
  ['name with a newline', slack({}, { name: 'Work\nSlack' }), 'control characters'],
  ['empty name', slack({}, { name: '' }), 'sources.1.name'],
  ['name with outer spaces', slack({}, { name: ' Work Slack' }), 'start or end with a space'],
  ['invalid id', slack({}, { id: 'bad id!' }), 'sources.1.id'],
  ['duplicate id', { sources: [good(), { ...good(), name: 'other' }] }, 'duplicate id'],
  ['duplicate name', { sources: [good(), { ...good(), id: 'other' }] }, 'duplicate name'],
  ['unknown connector', slack({}, { type: 'slak' }), 'sources.1.type'],
  ['empty schedule', slack({}, { schedule: {} }), 'set intervalMinutes or cron'],
  ['invalid cron', slack({}, { schedule: { cron: 'every tuesday' } }), 'schedule.cron'],
  ['interval of zero minutes', slack({ sync: { interval_minutes: 0 } }), 'expected a positive integer'],
  [
    'interval contradicting schedule',
    slack({ sync: { interval_minutes: 5 } }, { schedule: { cron: '0 * * * *' } }),
    'contradicts schedule',
  ],
  ['one setting under two names', slack({ sync: { backfill_days: 1, backfillDays: 2 } }), 'same as backfillDays'],
  ['relative db_path', { sources: [{ ...good(), config: { db_path: 'chats.db' } }] }, 'absolute path'],
  [
    'poll interval too small',
    { sources: [{ ...good(), config: { db_path: '/tmp/c.db', poll_interval_ms: 10 } }] },
    'poll',
  ],
  ['unknown feature', slack({}, { features: { realtim: true } }), 'Unknown feature "realtim"'],
  ['YAML syntax error', 'sources:\n  - id: a\n   type: x\n', 'not valid YAML'],
  ['format version', { version: 2, sources: [] }, 'version'],
];

describe('apply --dry-run and apply agree on bad files', () => {
  it.each(cases)('%s', async (what, content, expected) => {
    const file = path.join(dir, `${what.replace(/\W+/g, '-')}.${typeof content === 'string' ? 'yaml' : 'json'}`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    const dry = await h.run('apply', '-f', file, '--dry-run', '--json');
    const real = await h.run('apply', '-f', file, '--json');
    expect(dry.code).toBe(2);
    expect(real.code).toBe(2);
    const error = dry.stdout ? dry.json().error : dry.stderr;
    expect(JSON.stringify(error)).toContain(JSON.stringify(expected).slice(1, -1));
    expect(real.stdout || real.stderr).toBe(dry.stdout || dry.stderr);
    expect((await h.run('sources', 'list', '--json')).json().sources).toEqual([]);
  });

  it('a file that only uses the seed’s names is accepted by both', async () => {
    const file = path.join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify(slack({ sync: { interval_minutes: 60, backfill_days: 90 } })));
    expect((await h.run('apply', '-f', file, '--dry-run')).code).toBe(0);
    expect((await h.run('apply', '-f', file)).code).toBe(0);
    expect((await h.run('sources', 'list', '--json')).json().sources).toHaveLength(2);
  });
});
