import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MASK } from './mask.js';
import { harness } from './test-support/harness.js';
import { createMemoConnector } from './test-support/memo-connector.js';

let dir: string;
let notes: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-cli-'));
  notes = path.join(dir, 'notes');
  mkdirSync(notes);
  for (const [name, body] of Object.entries({
    'a.txt': 'alpha pelican',
    'b.txt': 'bravo walrus',
    'c.txt': 'charlie pelican',
    'd.txt': 'delta',
  }))
    writeFileSync(path.join(notes, name), body);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tributary (in-process)', () => {
  it('adds a source with --config, --set and --feature, and never shows its secret', async () => {
    const { run } = harness([createMemoConnector()], path.join(dir, 'home'), dir);
    const add = await run(
      'sources',
      'add',
      'memo',
      '--name',
      'n1',
      '--config',
      JSON.stringify({ root: notes }),
      '--set',
      'apiKey=super-secret-value',
      '--set',
      'pageSize=3',
      '--feature',
      'shout=on',
      '--interval',
      '15',
      '--json',
    );
    expect(add.code).toBe(0);
    expect(add.json()).toMatchObject({
      name: 'n1',
      connector: 'memo',
      status: 'active',
      config: { root: notes, apiKey: MASK, pageSize: 3 },
      features: { shout: true },
      schedule: { intervalMinutes: 15 },
    });
    for (const args of [
      ['sources', 'show', 'n1'],
      ['sources', 'show', 'n1', '--json'],
      ['sources', 'list', '--json'],
    ]) {
      const out = await run(...args);
      expect(out.code).toBe(0);
      expect(out.stdout).not.toContain('super-secret-value');
      expect(out.stdout).toContain(MASK);
    }
  });

  it('edits keys, keeps the rest, and refuses an invalid edit without changing anything', async () => {
    const { run } = harness([createMemoConnector()], path.join(dir, 'home'), dir);
    expect(
      (await run('sources', 'add', 'memo', '--name', 'n1', '--set', `root=${notes}`, '--set', 'apiKey=k-123456')).code,
    ).toBe(0);
    const edit = await run(
      'sources',
      'edit',
      'n1',
      '--set',
      'pageSize=5',
      '--cron',
      '0 * * * *',
      '--rename',
      'n2',
      '--json',
    );
    expect(edit.code).toBe(0);
    expect(edit.json()).toMatchObject({
      name: 'n2',
      config: { root: notes, apiKey: MASK, pageSize: 5 },
      schedule: { cron: '0 * * * *' },
    });
    const bad = await run('sources', 'edit', 'n2', '--set', 'pageSize="many"');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('config.pageSize');
    expect((await run('sources', 'show', 'n2', '--json')).json().config.pageSize).toBe(5);
    const unknownFeature = await run('sources', 'edit', 'n2', '--feature', 'nope=on');
    expect(unknownFeature.code).toBe(2);
    expect(unknownFeature.stderr).toContain('Unknown feature "nope"');
  });

  it('pauses, refuses to sync a paused source, resumes', async () => {
    const { run } = harness([createMemoConnector()], path.join(dir, 'home'), dir);
    await run('sources', 'add', 'memo', '--name', 'n1', '--set', `root=${notes}`);
    expect((await run('sources', 'pause', 'n1', '--json')).json().status).toBe('paused');
    const sync = await run('sync', 'n1');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain('sources resume n1');
    expect((await run('sync', '--all', '--json')).json()).toEqual({ runs: [], interrupted: false });
    expect((await run('sources', 'resume', 'n1', '--json')).json().status).toBe('active');
    expect((await run('sync', '--all', '--json')).json().runs).toMatchObject([
      { source: 'n1', status: 'succeeded', created: 4 },
    ]);
  });

  it('stops a sync on Ctrl-C keeping committed pages (exit 130), and the next sync resumes', async () => {
    const hooks = { interrupt: (): void => undefined };
    const connector = createMemoConnector({
      beforePage: (page) => {
        if (page === 2) hooks.interrupt();
      },
    });
    const h = harness([connector], path.join(dir, 'home'), dir);
    hooks.interrupt = h.interrupt;
    await h.run('sources', 'add', 'memo', '--name', 'n1', '--set', `root=${notes}`);
    const first = await h.run('sync', 'n1', '--json');
    expect(first.code).toBe(130);
    expect(first.json()).toMatchObject({ interrupted: true, runs: [{ status: 'aborted', created: 2 }] });
    expect((await h.run('stats', 'n1', '--json')).json().stats[0].memories).toBe(2);
    const h2 = harness([createMemoConnector()], path.join(dir, 'home'), dir);
    const second = await h2.run('sync', 'n1', '--json');
    expect(second.code).toBe(0);
    expect(second.json().runs[0]).toMatchObject({ status: 'succeeded', created: 2 });
  });

  it('refuses sync without a name or --all, and with both', async () => {
    const { run } = harness([createMemoConnector()], path.join(dir, 'home'), dir);
    expect((await run('sync')).code).toBe(2);
    expect((await run('sync', 'x', '--all')).code).toBe(2);
    const missing = await run('sync', 'nope', '--json');
    expect(missing.code).toBe(2);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('asks for --yes before destructive steps when not on a terminal', async () => {
    const { run } = harness([createMemoConnector()], path.join(dir, 'home'), dir);
    await run('sources', 'add', 'memo', '--name', 'n1', '--set', `root=${notes}`);
    await run('sync', 'n1');
    const refused = await run('purge', 'n1');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect((await run('stats', 'n1', '--json')).json().stats[0].memories).toBe(4);
    const removed = await run('sources', 'remove', 'n1', '--purge', '--yes', '--json');
    expect(removed.json()).toMatchObject({ removed: 'n1', purged: 4 });
    expect((await run('sources', 'list', '--json')).json().sources).toEqual([]);
  });

  it('searches with filters, exports to a file, and forgets everything on purge', async () => {
    const { run } = harness([createMemoConnector()], path.join(dir, 'home'), dir);
    await run('sources', 'add', 'memo', '--name', 'n1', '--set', `root=${notes}`);
    await run('sync', 'n1');
    const hits = (await run('search', 'pelican', '--json')).json().hits;
    expect(hits.map((hit: { title: string }) => hit.title).sort()).toEqual(['a', 'c']);
    expect((await run('search', 'pelican', '--until', '2020-01-01', '--json')).json().hits).toEqual([]);
    expect(
      (await run('search', 'pelican', '--source', 'n1', '--since', '2024-04-30', '--limit', '1', '--json')).json().hits,
    ).toHaveLength(1);
    const human = await run('search', 'walrus');
    expect(human.stdout).toContain('«walrus»');
    expect(human.stdout).toContain('n1 (memo)');
    const file = path.join(dir, 'out.jsonl');
    const exported = await run('export', 'n1', '-o', 'out.jsonl');
    expect(exported.stderr).toContain('Exported 4 memories');
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).externalId)
        .sort(),
    ).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    expect((await run('purge', 'n1', '--yes')).stdout).toContain('Purged 4 memories');
    expect((await run('export', 'n1', '--include-deleted')).stdout).toBe('');
    expect((await run('search', 'pelican', '--json')).json().hits).toEqual([]);
  });

  it('stores a credential from the environment in the encrypted vault and gives it to the connector', async () => {
    const seen: unknown[] = [];
    const connector = createMemoConnector({ auth: { type: 'password' }, onCredential: (c) => seen.push(c) });
    const { run } = harness([connector], path.join(dir, 'home'), dir, { MEMO_PASSWORD: 'pw-very-secret-42' });
    const add = await run(
      'sources',
      'add',
      'memo',
      '--name',
      'n1',
      '--set',
      `root=${notes}`,
      '--credential-env',
      'MEMO_PASSWORD',
      '--username',
      'ada',
      '--json',
    );
    expect(add.code).toBe(0);
    expect(add.stdout).not.toContain('pw-very-secret-42');
    expect((await run('sync', 'n1')).code).toBe(0);
    expect(seen).toEqual([{ kind: 'password', password: 'pw-very-secret-42', username: 'ada' }]);
    for (const file of ['tributary.db', 'tributary.db-wal']) {
      const p = path.join(dir, 'home', file);
      if (existsSync(p)) expect(readFileSync(p).includes(Buffer.from('pw-very-secret-42')), file).toBe(false);
    }
    const unset = await run(
      'sources',
      'add',
      'memo',
      '--name',
      'n2',
      '--set',
      `root=${notes}`,
      '--credential-env',
      'NOT_SET',
    );
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOT_SET: the variable is not set');
  });

  it('refuses a credential for a connector that takes none', async () => {
    const { run } = harness([createMemoConnector()], path.join(dir, 'home'), dir, { T: 'x' });
    const r = await run('sources', 'add', 'memo', '--name', 'n1', '--set', `root=${notes}`, '--credential-env', 'T');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs no credentials');
    expect((await run('sources', 'list', '--json')).json().sources).toEqual([]);
  });

  it('rejects unknown commands and options as usage errors', async () => {
    const { run } = harness([createMemoConnector()], path.join(dir, 'home'), dir);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('sources', 'list', '--bogus')).code).toBe(2);
    expect((await run('--help')).code).toBe(0);
  });
});
