import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MASK } from '../mask.js';
import { harness } from '../test-support/harness.js';
import { createMemoConnector } from '../test-support/memo-connector.js';

let dir: string;
let h: ReturnType<typeof harness>;
const write = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const names = async () =>
  (await h.run('sources', 'list', '--json'))
    .json()
    .sources.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)
    .sort();

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-apply-unit-'));
  mkdirSync(path.join(dir, 'notes'));
  h = harness([createMemoConnector()], path.join(dir, 'home'), dir, {
    NOTES: path.join(dir, 'notes'),
    MEMO_KEY: 'key-from-env-123',
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const memo = (over = '') => `sources:
  - id: n
    type: memo
    name: notes
    config:
      root: \${NOTES}
      apiKey: \${MEMO_KEY}
${over}`;

describe('tributary apply (in-process)', () => {
  it('reads the default file in the data dir, interpolating env secrets, and never prints them', async () => {
    expect((await h.run('init')).code).toBe(0);
    write('home/tributary.yaml', memo());
    const r = await h.run('apply');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ notes (memo, id n)');
    const shown = await h.run('sources', 'show', 'notes', '--json');
    expect(shown.json().config).toEqual({ root: path.join(dir, 'notes'), apiKey: MASK });
    expect(r.stdout + r.stderr + shown.stdout).not.toContain('key-from-env-123');
  });

  it('plans config, feature, schedule and enabled changes by key', async () => {
    const f = write('a.yaml', memo());
    await h.run('apply', '-f', f);
    write(
      'a.yaml',
      memo(
        '      pageSize: 9\n    features: { shout: true }\n    schedule: { cron: "*/5 * * * *" }\n    enabled: false\n',
      ),
    );
    const plan = await h.run('apply', '-f', f, '--dry-run', '--json');
    expect(plan.json().plan).toEqual([
      {
        op: 'update',
        id: 'n',
        name: 'notes',
        type: 'memo',
        sourceId: expect.any(String),
        changes: ['config.pageSize', 'features.shout', 'schedule', 'enabled'],
      },
    ]);
    expect((await h.run('apply', '-f', f)).code).toBe(0);
    const shown = (await h.run('sources', 'show', 'notes', '--json')).json();
    expect(shown).toMatchObject({
      status: 'paused',
      features: { shout: true },
      schedule: { cron: '*/5 * * * *' },
      config: { pageSize: 9 },
    });
    expect((await h.run('apply', '-f', f, '--json')).json().summary).toEqual({
      create: 0,
      update: 0,
      remove: 0,
      unchanged: 1,
    });
  });

  it('does not count connector defaults as changes', async () => {
    const f = write('a.yaml', memo());
    await h.run('apply', '-f', f);
    write('a.yaml', memo('      pageSize: 2\n'));
    expect((await h.run('apply', '-f', f, '--json')).json().summary.unchanged).toBe(1);
  });

  it('validates every source against its connector before changing anything', async () => {
    const f = write(
      'bad.yaml',
      `${memo()}  - id: m\n    type: memo\n    name: other\n    config: { pageSize: -1 }\n    features: { nope: true }\n`,
    );
    const r = await h.run('apply', '-f', f, '--json');
    expect(r.code).toBe(2);
    expect(r.json().error.issues.map((i: { path: string }) => i.path)).toEqual([
      'sources.1.config.root',
      'sources.1.config.pageSize',
      'sources.1.features',
    ]);
    expect(await names()).toEqual([]);
  });

  it('refuses to change the connector of an existing source', async () => {
    h = harness([createMemoConnector(), createMemoConnector({ name: 'memo2' })], path.join(dir, 'home'), dir);
    await h.run('sources', 'add', 'memo', '--name', 'notes', '--set', `root=${path.join(dir, 'notes')}`);
    const f = write(
      'other.json',
      JSON.stringify({ sources: [{ id: 'n', type: 'memo2', name: 'notes', config: { root: dir } }] }),
    );
    const r = await h.run('apply', '-f', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sources.0.type: source "notes" uses connector "memo", not "memo2"');
    expect(await names()).toEqual(['notes:active']);
  });

  it('says what to do when the file is missing', async () => {
    const r = await h.run('apply', '-f', path.join(dir, 'none.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tributary init');
  });
});
