import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './test-support/spawn-cli.js';

// One user session, step by step: each test builds on the previous one's state (a real data dir, real git).
let tmp: string;
let repo: string;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(args, env);

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-e2e-'));
  repo = path.join(tmp, 'repo');
  mkdirSync(repo);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      env: { ...process.env, GIT_AUTHOR_DATE: '2024-05-01T10:00:00Z', GIT_COMMITTER_DATE: '2024-05-01T10:00:00Z' },
    });
  git('init', '-q');
  git('config', 'user.email', 'ada@example.com');
  git('config', 'user.name', 'Ada');
  writeFileSync(path.join(repo, 'a.txt'), 'one\n');
  git('add', 'a.txt');
  git('commit', '-qm', 'Add the flamingo parser');
  writeFileSync(path.join(repo, 'a.txt'), 'two\n');
  git('commit', '-qam', 'Fix the zebra crossing bug');
  env = { TRIBUTARY_HOME: path.join(tmp, 'home'), HOME: tmp };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tributary as a user runs it', () => {
  it('init creates the data dir, database and a commented config', async () => {
    const r = await cli('init', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      dataDir: env.TRIBUTARY_HOME,
      database: path.join(env.TRIBUTARY_HOME!, 'tributary.db'),
      config: path.join(env.TRIBUTARY_HOME!, 'tributary.yaml'),
      configCreated: true,
      sources: 0,
    });
    expect(readFileSync(out.config, 'utf8')).toContain('# Tributary');
    expect(existsSync(out.database)).toBe(true);
  });

  it('refuses an unknown connector (exit 2) and lists the known ones', async () => {
    const r = await cli('sources', 'add', 'nope', '--name', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown connector "nope"\. Known connectors: .*git/);
  });

  it('refuses an invalid config (exit 2) naming the field, and writes nothing', async () => {
    const [r, missing] = await Promise.all([
      cli('sources', 'add', 'git', '--name', 'repo', '--set', `rootDir=${repo}`, '--set', 'maxCommits="lots"'),
      cli('sources', 'add', 'git', '--name', 'repo', '--set', `rootDir=${path.join(tmp, 'does-not-exist')}`),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config.maxCommits');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does-not-exist');
    const list = await cli('sources', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual({ sources: [] });
  });

  it('adds a source and syncs it with progress lines and a summary', async () => {
    expect((await cli('sources', 'add', 'git', '--name', 'repo', '--set', `rootDir=${repo}`)).code).toBe(0);
    const r = await cli('sync', 'repo');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^sync repo: \w+ · \d+ items/m);
    expect(r.stdout).toMatch(/repo: succeeded — created 2, updated 0, deleted 0, unchanged 0, errors 0 in /);
  });

  it('finds a commit by a word of its message, in the documented --json shape', async () => {
    const [r, human] = await Promise.all([
      cli('search', 'zebra', '--json'),
      cli('search', 'flamingo', '--connector', 'git', '--since', '2024-01-01'),
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.query).toBe('zebra');
    expect(out).toMatchObject({ mode: 'keyword', total: 1, totalExact: true, nextCursor: null });
    expect(out.hits).toHaveLength(1);
    const hit = out.hits[0];
    expect(Object.keys(hit).sort()).toEqual(
      [
        'author',
        'connector',
        'container',
        'domain',
        'externalId',
        'importance',
        'lists',
        'memoryId',
        'occurredAt',
        'score',
        'snippet',
        'source',
        'sourceId',
        'stream',
        'tags',
        'title',
        'url',
      ].sort(),
    );
    expect(hit).toMatchObject({ source: 'repo', connector: 'git', stream: 'commits' });
    expect(hit.title).toContain('zebra');
    expect(hit.snippet).toContain('«zebra»');
    expect(human.stdout).toContain('Add the flamingo parser');
  });

  it('reports status and runs', async () => {
    const results = await Promise.all([cli('status', '--json'), cli('runs', 'repo', '--json')]);
    const [status, runs] = results.map((r) => JSON.parse(r.stdout));
    expect(status.sources).toHaveLength(1);
    expect(status.sources[0]).toMatchObject({
      name: 'repo',
      connector: 'git',
      status: 'active',
      memories: 2,
      error: null,
      lastRun: { status: 'succeeded', created: 2 },
    });
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]).toMatchObject({ source: 'repo', status: 'succeeded', itemsSeen: 2, created: 2, errors: 0 });
  });

  it('exports one JSON line per memory', async () => {
    const r = await cli('export', 'repo');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l).title).sort()).toEqual([
      'Add the flamingo parser',
      'Fix the zebra crossing bug',
    ]);
  });

  it('purge leaves nothing of the source searchable or exportable', async () => {
    const r = await cli('purge', 'repo', '--yes', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ source: 'repo', purged: 2 });
    const [search, stats] = await Promise.all([cli('search', 'zebra', '--json'), cli('stats', 'repo', '--json')]);
    expect(JSON.parse(search.stdout).hits).toEqual([]);
    expect(JSON.parse(stats.stdout).stats[0]).toMatchObject({ source: 'repo', memories: 0, byStream: {} });
  });
});
