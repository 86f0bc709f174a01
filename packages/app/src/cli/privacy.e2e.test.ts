import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness } from './test-support/harness.js';
import { createMemoConnector } from './test-support/memo-connector.js';

// A user hides phone numbers: the rule added by the CLI redacts new items, `purge --match` erases stored ones.
let tmp: string;
let notes: string;
let run: ReturnType<typeof harness>['run'];
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-privacy-cli-'));
  notes = path.join(tmp, 'notes');
  (await import('node:fs')).mkdirSync(notes);
  run = harness([createMemoConnector()], path.join(tmp, 'home'), tmp).run;
  expect((await run('init')).code).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ids = async (q: string) =>
  ((await run('search', q, '--json')).json().hits as Array<{ externalId: string }>).map((h) => h.externalId).sort();

describe('privacy rules from the CLI', () => {
  it('redacts new items, dry-runs, and purges stored matches', async () => {
    writeFileSync(path.join(notes, 'a.txt'), 'call 555-0101 about the heron');
    expect((await run('sources', 'add', 'memo', '--name', 'notes', '--set', `root=${notes}`)).code).toBe(0);
    expect((await run('sync', 'notes')).code).toBe(0);

    const bad = await run('privacy', 'redact', '(');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a valid regular expression/);

    const dry = await run('privacy', 'redact', '\\d{3}-\\d{4}', '--dry-run', '--json');
    expect(dry.json()).toMatchObject({ scanned: 1, redacted: 1, dropped: 0 });
    expect((await run('privacy', 'show', '--json')).json()).toEqual({ redact: [], exclude: [] });

    expect((await run('privacy', 'redact', '\\d{3}-\\d{4}')).code).toBe(0);
    expect((await run('privacy', 'show', '--json')).json().redact).toEqual([{ pattern: '\\d{3}-\\d{4}' }]);

    writeFileSync(path.join(notes, 'b.txt'), 'new number 555-0199 for the heron');
    expect((await run('sync', 'notes')).code).toBe(0);
    expect(await ids('555')).toEqual(['a.txt']); // b.txt was stored redacted
    expect(await ids('REDACTED')).toEqual(['b.txt']);

    const count = await run('purge', '--match', '\\d{3}-\\d{4}', '--dry-run', '--json');
    expect(count.json()).toMatchObject({ matched: 1, purged: 0 });
    expect(await ids('555')).toEqual(['a.txt']);
    const purged = await run('purge', '--match', '\\d{3}-\\d{4}', '--yes', '--json');
    expect(purged.json()).toMatchObject({ matched: 1, purged: 1 });
    expect(await ids('555')).toEqual([]);
    expect(await ids('heron')).toEqual(['b.txt']);
  });

  it('rules in the config file: apply --dry-run refuses a bad regex like apply; apply saves them', async () => {
    const file = path.join(tmp, 'privacy.yaml');
    writeFileSync(file, 'privacy:\n  redact:\n    - pattern: "("\n');
    for (const args of [['--dry-run'], []]) {
      const r = await run('apply', '-f', file, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/redact\.0\.pattern/);
    }
    writeFileSync(
      file,
      'privacy:\n  redact:\n    - pattern: "secret-\\\\w+"\n  exclude:\n    - field: container\n      pattern: "^#random$"\n',
    );
    expect((await run('apply', '-f', file, '--dry-run')).code).toBe(0);
    expect((await run('privacy', 'show', '--json')).json().redact).toHaveLength(1); // dry run saved nothing
    expect((await run('apply', '-f', file)).code).toBe(0);
    expect((await run('privacy', 'show', '--json')).json()).toEqual({
      redact: [{ pattern: 'secret-\\w+' }],
      exclude: [{ field: 'container', pattern: '^#random$' }],
    });
  });
});
