import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeEngineFactory } from './engine-factory.js';
import type { CliIo } from './io.js';
import { runCli } from './program.js';
import { createMemoConnector } from './test-support/memo-connector.js';

let tmp: string;
let run: (...argv: string[]) => Promise<{ code: number; stdout: string; stderr: string; json: () => any }>;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-enrich-cli-'));
  const notes = path.join(tmp, 'notes');
  mkdirSync(notes);
  writeFileSync(path.join(notes, 'a.txt'), 'ping @ada about the heron invoice');
  writeFileSync(path.join(notes, 'b.txt'), 'ping @bob about the heron flight');
  // TRIBUTARY_SELF says who the user is (read by the runtime, as `tributary` does from its environment): a mention
  // of ada raises importance.
  const env = { TRIBUTARY_HOME: path.join(tmp, 'home'), HOME: tmp, TRIBUTARY_SELF: 'ada' };
  run = async (...argv) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: false },
      stdinIsTTY: false,
      env,
      cwd: tmp,
      confirm: async () => true,
      onInterrupt: () => () => undefined,
    };
    const code = await runCli(argv, io, { connectors: [createMemoConnector()], openEngine: runtimeEngineFactory(env) });
    return { code, stdout, stderr, json: () => JSON.parse(stdout) };
  };
  expect((await run('init')).code).toBe(0);
  expect((await run('sources', 'add', 'memo', '--name', 'notes', '--set', `root=${notes}`)).code).toBe(0);
  expect((await run('sync', 'notes')).code).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('importance and domain from the CLI', () => {
  it('search shows them, filters by them, and refuses a bad --min-importance', async () => {
    const hits = (await run('search', 'heron', '--json')).json().hits as Array<Record<string, any>>;
    const by = Object.fromEntries(hits.map((h) => [h.externalId, h]));
    expect(by['a.txt'].importance).toBeGreaterThan(by['b.txt'].importance);
    expect(by['a.txt'].domain).toBe('finance');
    expect(by['b.txt'].domain).toBe('travel');
    const min = await run('search', 'heron', '--min-importance', String(by['a.txt'].importance), '--json');
    expect(min.json().hits.map((h: any) => h.externalId)).toEqual(['a.txt']);
    const dom = await run('search', 'heron', '--domain', 'travel', '--json');
    expect(dom.json().hits.map((h: any) => h.externalId)).toEqual(['b.txt']);
    const bad = await run('search', 'heron', '--min-importance', '1.5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-importance must be a number from 0 to 1/);
  });

  it('reindex --enrichment re-scores stored memories without a sync', async () => {
    expect((await run('reindex')).code).toBe(2);
    const r = await run('reindex', '--enrichment', '--json');
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({ scanned: 2, changed: 0 });
  });
});
