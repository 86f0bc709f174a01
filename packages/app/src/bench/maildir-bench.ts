import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMaildirCorpus, corpusRepo } from './maildir-corpus.js';
import { fmt, printTable } from './measure.js';

/** One measured step: wall seconds of the work (Tributary: the sync run itself), peak RSS, and what it reported. */
interface Step {
  seconds: number;
  /** User + system CPU seconds: comparable across tools even when other work shares the machine. */
  cpuSeconds: number | undefined;
  peakRssMb: number | undefined;
  note?: string;
}

const NEW = 100;
const GONE = 50;
/** Messages whose flags change (a client marks them flagged: a rename within cur/) in the last round. */
const FLAGGED = 10;
const TIME = '/usr/bin/time';
// packages/app/dist/cli/main.js, from dist/bench/ and from src/bench/ alike (what `tributary` runs).
const CLI = path.resolve(fileURLToPath(import.meta.url), '../../../dist/cli/main.js');

/**
 * Maildir of N real patch mails (default 20,000; BENCH_MAILDIR_MESSAGES) indexed in the same round by Tributary's
 * `maildir` connector, `mu index` and `notmuch new`: initial index, re-run with nothing changed, and after 100 new
 * and 50 deleted messages, after a flag change of 10 (renames in cur/); time, peak RSS and index size of each, with ratios against mu. A peer that is not
 * installed is skipped with a message.
 */
export async function benchMaildirPhase(): Promise<void> {
  const count = Number(process.env.BENCH_MAILDIR_MESSAGES ?? 20_000);
  const { repo, reason } = corpusRepo();
  if (!repo) {
    console.log(`\nmaildir bench skipped: no corpus repository (${reason}).`);
    return;
  }
  // NEW more than the bench folder holds: the last NEW (newest commits) become the "new mail" of the incremental round.
  const corpus = await buildMaildirCorpus(repo, count + NEW);
  // BENCH_MAILDIR_DIR keeps the work folder (Maildir and indexes): a later run with the same folder skips the three
  // index rounds and only searches (indexing 20k mails takes minutes per tool; search work needs the index only).
  const kept = process.env.BENCH_MAILDIR_DIR;
  if (kept) mkdirSync(kept, { recursive: true });
  const work = kept ? path.resolve(kept) : mkdtempSync(path.join(os.tmpdir(), 'tributary-maildir-bench-'));
  const indexed = path.join(work, '.indexed');
  try {
    const maildir = path.join(work, 'Maildir');
    if (kept && existsSync(indexed)) {
      const only = process.env.BENCH_MAILDIR_TOOLS?.split(',');
      const tools = Object.fromEntries(
        Object.entries({ tributary: tributaryTool, mu: muTool, notmuch: notmuchTool })
          .filter(([name]) => !only || only.includes(name))
          .map(([name, make]) => [name, make(work, maildir, true)]),
      );
      const rows: Array<[string, string]> = [];
      for (const [word, byTool] of Object.entries(searchRounds(tools)))
        for (const [name, step] of Object.entries(byTool))
          rows.push([`search "${word}" from the CLI: ${name}`, show(step, byTool.mu)]);
      rows.push(['targets', 'CLI search ≤ 0.3 s']);
      printTable(`maildir search (indexes kept in ${work}; delete its .indexed to rebuild them)`, rows);
      return;
    }
    rmSync(maildir, { recursive: true, force: true });
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
    const names = readdirSync(path.join(corpus.dir, 'cur')).sort((a, b) => parseInt(a) - parseInt(b));
    const held = names.slice(count);
    // Hard links: building the folder costs nothing and no indexer modifies message files.
    for (const n of names.slice(0, count)) linkSync(path.join(corpus.dir, 'cur', n), path.join(maildir, 'cur', n));
    const bytes = names.slice(0, count).reduce((s, n) => s + statSync(path.join(maildir, 'cur', n)).size, 0);

    // BENCH_MAILDIR_TOOLS=tributary,mu picks tools (e.g. to re-measure one while developing).
    const only = process.env.BENCH_MAILDIR_TOOLS?.split(',');
    const skip = (name: string): string | undefined =>
      only && !only.includes(name) ? 'skipped (BENCH_MAILDIR_TOOLS)' : undefined;
    const tools = {
      tributary: skip('tributary') ?? tributaryTool(work, maildir),
      mu: skip('mu') ?? muTool(work, maildir),
      notmuch: skip('notmuch') ?? notmuchTool(work, maildir),
    };
    const rounds: Record<string, Record<string, Step | string>> = {
      initial: {},
      unchanged: {},
      changed: {},
      flagged: {},
    };
    const sizes: Record<string, number | string> = {};
    for (const [name, tool] of Object.entries(tools)) {
      if (typeof tool === 'string') {
        rounds.initial![name] = tool;
        continue;
      }
      process.stderr.write(`  [maildir] ${name}: initial index of ${fmt(count)} messages …\n`);
      rounds.initial![name] = logged(name, 'initial', tool.run());
      sizes[name] = tool.size();
      rounds.unchanged![name] = logged(name, 'unchanged', tool.run());
    }
    // 100 new (real, newer patches) + 50 deleted, spread over the folder.
    for (const n of held) linkSync(path.join(corpus.dir, 'cur', n), path.join(maildir, 'new', n.replace(/:2,S$/, '')));
    const step = Math.floor(count / GONE);
    for (let i = 0; i < GONE; i++) rmSync(path.join(maildir, 'cur', names[i * step + 1]!));
    for (const [name, tool] of Object.entries(tools))
      if (typeof tool !== 'string') rounds.changed![name] = logged(name, 'changed', tool.run());
    // A flag change: FLAGGED messages spread over cur/ (none of the deleted ones) renamed :2,S → :2,FS.
    for (let i = 0; i < FLAGGED; i++) {
      const n = names[i * Math.floor(count / FLAGGED) + 3]!;
      renameSync(path.join(maildir, 'cur', n), path.join(maildir, 'cur', n.replace(/:2,S$/, ':2,FS')));
    }
    for (const [name, tool] of Object.entries(tools))
      if (typeof tool !== 'string') rounds.flagged![name] = logged(name, 'flagged', tool.run());

    if (kept) writeFileSync(indexed, `${new Date().toISOString()}\n`);
    const searches = searchRounds(tools);

    const rows: Array<[string, string]> = [];
    for (const [round, label] of [
      ['initial', 'initial index'],
      ['unchanged', 're-run, nothing changed'],
      ['changed', `after ${held.length} new + ${GONE} deleted`],
      ['flagged', `flag change of ${FLAGGED} messages`],
    ] as const) {
      for (const name of Object.keys(tools))
        rows.push([`${label}: ${name}`, show(rounds[round]![name], rounds[round]!.mu)]);
    }
    const mb = (n: number | string | undefined): string =>
      typeof n === 'number' ? `${fmt(n / 1024 / 1024)} MB` : 'n/a';
    for (const name of Object.keys(tools)) {
      const ratio =
        typeof sizes[name] === 'number' && typeof sizes.mu === 'number'
          ? `  (${fmt((sizes[name] as number) / sizes.mu, 2)} × mu)`
          : '';
      rows.push([`index size: ${name}`, `${mb(sizes[name])}${ratio}`]);
    }
    for (const [word, byTool] of Object.entries(searches))
      for (const [name, step] of Object.entries(byTool))
        rows.push([`search "${word}" from the CLI: ${name}`, show(step, byTool.mu)]);
    rows.push([
      'targets',
      'initial ≤ 1.00 × mu, peak RSS ≤ 300 MB, unchanged ≤ 0.5 s, 100 new + 50 deleted ≤ 1 s, flag change of 10 < 1 s, index ≤ mu, CLI search ≤ 0.3 s',
    ]);
    printTable(
      `maildir (${fmt(count)} real patch mails, ${fmt(bytes / 1024 / 1024)} MB; Tributary vs mu vs notmuch)`,
      rows,
    );
  } finally {
    if (!kept) rmSync(work, { recursive: true, force: true });
  }
}

/** A step as the table shows it, with its ratios to mu's when mu ran. */
function show(s: Step | string | undefined, base: Step | string | undefined): string {
  if (s === undefined) return 'skipped';
  if (typeof s === 'string') return s;
  const ratio = base && typeof base !== 'string' ? `  (${fmt(s.seconds / base.seconds, 2)} × mu)` : '';
  const cpuRatio =
    base && typeof base !== 'string' && s.cpuSeconds !== undefined && base.cpuSeconds
      ? ` (${fmt(s.cpuSeconds / base.cpuSeconds, 2)} × mu)`
      : '';
  const cpu = s.cpuSeconds === undefined ? '' : `, CPU ${fmt(s.cpuSeconds, 2)} s${cpuRatio}`;
  const rss = s.peakRssMb === undefined ? '' : `, peak RSS ${fmt(s.peakRssMb)} MB`;
  return `${fmt(s.seconds, 2)} s${ratio}${cpu}${rss}${s.note ? `  ${s.note}` : ''}`;
}

/** A rare, a mid-frequency and a very common word of git's history (messages holding them: ~30, ~1,400, ~3,500). */
const SEARCH_WORDS = ['kwset', 'sparse', 'branch'];
const SEARCH_RUNS = 7;

/**
 * Each tool's own command-line search of each word on the index the rounds built, as a user types it: a new process
 * every time, {@link SEARCH_RUNS} runs interleaved (tool after tool, `node -e 0` after Tributary, so a burst of load
 * on a shared machine hits all alike); the median wall time and, separately, the median CPU time.
 */
function searchRounds(tools: Record<string, Tool | string>): Record<string, Record<string, Step>> {
  const out: Record<string, Record<string, Step>> = {};
  const median = (steps: Step[]): Step => {
    const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const cpu = steps.map((s) => s.cpuSeconds).filter((c): c is number => c !== undefined);
    const rss = steps.map((s) => s.peakRssMb).filter((r): r is number => r !== undefined);
    return {
      seconds: mid(steps.map((s) => s.seconds)),
      cpuSeconds: cpu.length ? mid(cpu) : undefined,
      peakRssMb: rss.length ? mid(rss) : undefined,
    };
  };
  for (const word of SEARCH_WORDS) {
    const runs: Record<string, Step[]> = {};
    for (let i = 0; i < SEARCH_RUNS; i++) {
      for (const [name, tool] of Object.entries(tools)) {
        if (typeof tool === 'string' || !tool.search) continue;
        (runs[name] ??= []).push(tool.search(word));
        if (name === 'tributary') (runs['node -e 0'] ??= []).push(timedCommand(process.execPath, ['-e', '0']));
      }
    }
    out[word] = Object.fromEntries(Object.entries(runs).map(([name, steps]) => [name, median(steps)]));
  }
  return out;
}

/** Progress on stderr as each step ends (a full round takes minutes). */
function logged(name: string, round: string, step: Step): Step {
  const cpu = step.cpuSeconds === undefined ? '' : `, CPU ${fmt(step.cpuSeconds, 2)} s`;
  process.stderr.write(`  [maildir] ${name} ${round}: ${fmt(step.seconds, 2)} s${cpu}\n`);
  return step;
}

interface Tool {
  run(): Step;
  size(): number;
  /** One search from the tool's CLI, top 10 hits. */
  search?(word: string): Step;
}

function tributaryTool(work: string, maildir: string, reuse = false): Tool {
  const db = path.join(work, 'tributary.db');
  // A kept folder rebuilt from scratch (its .indexed removed) starts from an empty store, as a temporary one does.
  if (!reuse) for (const ext of ['', '-wal', '-shm']) rmSync(db + ext, { force: true });
  // From dist (npm run bench) the step is .js; run from source (tsx) it is .ts.
  const js = fileURLToPath(new URL('./maildir-step.js', import.meta.url));
  const script = existsSync(js) ? js : js.replace(/\.js$/, '.ts');
  return {
    run() {
      const r = spawnSync(process.execPath, [...process.execArgv, script, db, maildir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`maildir step failed: ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number | string>;
      if (out.status !== 'succeeded') throw new Error(`maildir sync ${out.status}: ${out.error}`);
      return {
        seconds: out.seconds as number,
        cpuSeconds: out.cpuSeconds as number,
        peakRssMb: out.peakRssMb as number,
        note: `(+${out.created} ~${out.updated} -${out.deleted} =${out.unchanged} failed ${out.failed})`,
      };
    },
    size: () =>
      ['', '-wal', '-shm'].reduce((sum, ext) => sum + (existsSync(db + ext) ? statSync(db + ext).size : 0), 0),
    // The bench database is `tributary.db` of the work folder, which is what `--data-dir` opens.
    search: (word) =>
      timedCommand(process.execPath, [CLI, '--data-dir', work, 'search', word, '--limit', '10'], {
        ...process.env,
        TRIBUTARY_DATABASE_URL: '',
        TRIBUTARY_REDIS_URL: '',
        NO_COLOR: '1',
      }),
  };
}

function muTool(work: string, maildir: string, reuse = false): Tool | string {
  if (!onPath('mu')) return 'skipped: mu (Debian maildir-utils) is not installed';
  const home = path.join(work, 'mu');
  if (reuse && !existsSync(home)) return 'skipped: no kept mu index';
  if (!reuse) rmSync(home, { recursive: true, force: true });
  const init = reuse
    ? { status: 0, stderr: '' }
    : spawnSync('mu', ['init', `--muhome=${home}`, `--maildir=${maildir}`], { encoding: 'utf8' });
  if (init.status !== 0) return `skipped: mu init failed: ${init.stderr.trim()}`;
  return {
    run: () => timedCommand('mu', ['index', `--muhome=${home}`, '--quiet']),
    size: () => dirSize(home),
    search: (word: string) => timedCommand('mu', ['find', `--muhome=${home}`, '--maxnum=10', word]),
  };
}

function notmuchTool(work: string, maildir: string, reuse = false): Tool | string {
  if (!onPath('notmuch')) return 'skipped: notmuch is not installed';
  const dbDir = path.join(work, 'notmuch');
  const config = path.join(work, 'notmuch-config');
  if (reuse && !existsSync(dbDir)) return 'skipped: no kept notmuch index';
  if (!reuse) rmSync(dbDir, { recursive: true, force: true });
  mkdirSync(dbDir, { recursive: true });
  writeFileSync(
    config,
    `[database]\nmail_root=${maildir}\npath=${dbDir}\n[user]\nname=Bench\nprimary_email=bench@example.org\n[new]\ntags=inbox;\n[maildir]\nsynchronize_flags=false\n`,
  );
  const env = { ...process.env, NOTMUCH_CONFIG: config };
  return {
    run: () => timedCommand('notmuch', ['new', '--quiet'], env),
    size: () => dirSize(dbDir),
    search: (word: string) => timedCommand('notmuch', ['search', '--limit=10', word], env),
  };
}

/** Runs a command under /usr/bin/time (for its peak RSS) when present. */
function timedCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Step {
  const withTime = existsSync(TIME);
  const start = process.hrtime.bigint();
  const r = withTime
    ? spawnSync(TIME, ['-f', 'BENCH-RSS %M %U %S', cmd, ...args], { encoding: 'utf8', env })
    : spawnSync(cmd, args, { encoding: 'utf8', env });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const m = /BENCH-RSS (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return {
    seconds,
    cpuSeconds: m ? Number(m[2]) + Number(m[3]) : undefined,
    peakRssMb: m ? Number(m[1]) / 1024 : undefined,
  };
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function dirSize(dir: string): number {
  let total = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) total += dirSize(p);
    else if (d.isFile()) total += statSync(p).size;
  }
  return total;
}
