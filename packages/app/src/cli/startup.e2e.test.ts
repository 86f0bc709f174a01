import { describe, expect, it } from 'vitest';
import { runCli } from './test-support/spawn-cli.js';

// CommonJS packages the CLI must not load before a command needs them: database drivers and connector libraries.
// NODE_DEBUG=module makes Node log every CommonJS load, which is how these packages come in.
const HEAVY = /node_modules\/(pg|ioredis|better-sqlite3|imapflow|mammoth|pdfjs-dist|@slack|@octokit|postal-mime)\//;

describe('CLI start-up', () => {
  it('--version, --help and a command’s --help load no driver and no connector library', async () => {
    for (const args of [['--version'], ['--help'], ['sources', 'add', '--help']]) {
      const r = await runCli(args, { NODE_DEBUG: 'module', TRIBUTARY_HOME: '/nonexistent-tributary-home' });
      expect(r.code, r.stderr.slice(-500)).toBe(0);
      expect(r.stdout).not.toBe('');
      const loaded = r.stderr.split('\n').filter((l) => HEAVY.test(l));
      expect(loaded.slice(0, 3)).toEqual([]);
    }
  }, 120_000);

  it('listing connectors loads their manifests only: every connector listed, no connector library loaded', async () => {
    const r = await runCli(['connectors', '--json'], {
      NODE_DEBUG: 'module',
      TRIBUTARY_HOME: '/nonexistent-tributary-home',
    });
    expect(r.code, r.stderr.slice(-500)).toBe(0);
    const names = (JSON.parse(r.stdout).connectors as Array<{ name: string }>).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['git', 'imap', 'maildir', 'slack', 'github', 'files', 'sqlite']));
    const loaded = r.stderr.split('\n').filter((l) => HEAVY.test(l));
    expect(loaded.slice(0, 3)).toEqual([]);
  }, 120_000);
});
