import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway git repository driven by the real git binary, with fixed identities and dates. */
export class TestRepo {
  readonly dir: string;
  private tick = 0;

  private readonly owned: string;

  /** @param dir where to create it (must not exist); default: a fresh temp folder. */
  constructor(dir?: string, init = true) {
    this.dir = dir ?? path.join(mkdtempSync(path.join(tmpdir(), 'tributary-git-')), 'repo');
    this.owned = dir ?? path.dirname(this.dir);
    mkdirSync(this.dir, { recursive: true });
    if (init) this.git('init', '-q', '-b', 'main');
  }

  /** Wraps a repository that already exists at `dir` (e.g. a copy of another one). */
  static existing(dir: string): TestRepo {
    return new TestRepo(dir, false);
  }

  /** Runs git with a fixed author/committer and a date that advances one minute per call. */
  git(...args: string[]): string {
    this.tick++;
    const date = `${1_700_000_000 + this.tick * 60} +0000`;
    return execFileSync(
      'git',
      ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com', '-c', 'commit.gpgsign=false', ...args],
      {
        cwd: this.dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_DATE: date,
          GIT_CONFIG_NOSYSTEM: '1',
          // glibc otherwise trims the heap so often that fast-import spends most of its time in brk() (10× slower).
          MALLOC_TOP_PAD_: String(256 << 20),
          MALLOC_TRIM_THRESHOLD_: String(512 << 20),
          HOME: this.dir,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).trim();
  }

  write(file: string, content: string): void {
    const full = path.join(this.dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  /** Writes a file and commits it; returns the new sha. */
  commit(message: string, file = 'file.txt', content = `${message}\n`): string {
    this.write(file, content);
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  shas(...revs: string[]): string[] {
    const out = this.git('rev-list', ...revs);
    return out ? out.split('\n') : [];
  }

  /** Appends `n` linear commits to `branch` with git fast-import (thousands per second). */
  fastImport(n: number, branch = 'main'): void {
    const lines: string[] = [];
    for (let i = 1; i <= n; i++) {
      const when = 1_600_000_000 + i * 60;
      const msg = `Generated commit ${i}\n\nBody of commit number ${i}.\n`;
      const data = `line ${i}\n`;
      lines.push(
        `commit refs/heads/${branch}`,
        `mark :${i}`,
        `author Gen Bot <gen@example.com> ${when} +0000`,
        `committer Gen Bot <gen@example.com> ${when} +0000`,
      );
      lines.push(`data ${Buffer.byteLength(msg)}`, msg);
      if (i > 1) lines.push(`from :${i - 1}`);
      lines.push(`M 644 inline files/f${i % 50}.txt`, `data ${Buffer.byteLength(data)}`, data);
    }
    execFileSync('git', ['fast-import', '--quiet'], {
      cwd: this.dir,
      env: { ...process.env, MALLOC_TOP_PAD_: String(256 << 20), MALLOC_TRIM_THRESHOLD_: String(512 << 20) },
      input: lines.join('\n') + '\n',
      maxBuffer: 64 * 1024 * 1024,
    });
    this.git('reset', '-q', '--hard', branch);
  }

  remove(): void {
    rmSync(this.owned, { recursive: true, force: true });
  }
}
