import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The Maildir corpus of the mail bench: real messages, built from `git format-patch` of a large public repository
 * (git's own history gives ~20k patch mails of ~11 KB). Nothing is committed: the repository is cloned into the
 * bench's cache folder (or taken from BENCH_MAILDIR_REPO), and the Maildir is built once per (repository HEAD, count)
 * and reused by later runs (building it takes ~2 minutes, mostly `git format-patch`).
 */
export interface MaildirCorpus {
  dir: string;
  messages: number;
  bytes: number;
}

const CACHE = process.env.BENCH_CACHE ?? path.join(os.tmpdir(), 'tributary-bench-cache');
const REPO_URL = process.env.BENCH_MAILDIR_REPO_URL ?? 'https://github.com/git/git.git';
/** The magic envelope line `git format-patch --stdout` puts before each patch. */
const ENVELOPE = /^From ([0-9a-f]{40}) Mon Sep 17 00:00:00 2001$/;

/** A bare clone of the corpus repository; undefined (with the reason) when it cannot be had. */
export function corpusRepo(): { repo?: string; reason?: string } {
  const given = process.env.BENCH_MAILDIR_REPO;
  if (given) return existsSync(given) ? { repo: given } : { reason: `BENCH_MAILDIR_REPO=${given} does not exist` };
  const repo = path.join(CACHE, 'corpus-repo.git');
  if (existsSync(path.join(repo, 'HEAD'))) return { repo };
  mkdirSync(CACHE, { recursive: true });
  process.stderr.write(`  [maildir] cloning ${REPO_URL} into ${repo} (once) …\n`);
  const r = spawnSync('git', ['clone', '--bare', '--quiet', REPO_URL, repo], { stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.status !== 0) {
    rmSync(repo, { recursive: true, force: true });
    return { reason: `git clone ${REPO_URL} failed: ${r.stderr?.toString().trim() || r.error?.message}` };
  }
  return { repo };
}

/** Builds (or reuses) a Maildir of the `count` newest non-merge commits of `repo`, one patch mail per file in cur/. */
export async function buildMaildirCorpus(repo: string, count: number): Promise<MaildirCorpus> {
  const head = spawnSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim().slice(0, 12);
  const dir = path.join(CACHE, `maildir-${head}-${count}`);
  if (existsSync(path.join(dir, '.complete'))) return measure(dir);
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(building, sub), { recursive: true });
  process.stderr.write(`  [maildir] git format-patch of ${count} commits into ${dir} (once) …\n`);
  const child = spawn('git', ['-C', repo, 'format-patch', '--stdout', `-${count}`, 'HEAD'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let n = 0;
  let lines: string[] = [];
  let sha = '';
  const flush = (): void => {
    if (!sha) return;
    n++;
    // The envelope line is mbox framing, not a header; a Message-ID makes the id stable for every indexer.
    const text = `Message-ID: <${sha}@format-patch.bench>\n${lines.join('\n')}`;
    writeFileSync(path.join(building, 'cur', `${1_700_000_000 + n}.M${n}P1.bench:2,S`), text);
  };
  let rest = '';
  for await (const chunk of child.stdout.setEncoding('utf8')) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      const m = ENVELOPE.exec(line);
      if (m) {
        flush();
        sha = m[1]!;
        lines = [];
      } else lines.push(line);
    }
  }
  if (rest) lines.push(rest);
  flush();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`git format-patch exited with ${code}`);
  writeFileSync(path.join(building, '.complete'), `${n}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return measure(dir);
}

function measure(dir: string): MaildirCorpus {
  let bytes = 0;
  let messages = 0;
  for (const sub of ['cur', 'new']) {
    for (const name of readdirSync(path.join(dir, sub))) {
      bytes += statSync(path.join(dir, sub, name)).size;
      messages++;
    }
  }
  return { dir, messages, bytes };
}
