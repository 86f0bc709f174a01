#!/usr/bin/env node
/**
 * `npm run bench`: throughput and peak memory of the real engine, each against a raw baseline measured in the
 * same run. Every phase runs in its own child process so its peak RSS is its own.
 * Sizes: BENCH_ITEMS (default 1,000,000 chat items), BENCH_DOCS (default 50,000 documents).
 * BENCH_ONLY=engine,documents,… picks phases.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const items = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const docs = Number(process.env.BENCH_DOCS ?? 50_000);

// Each phase imports only what it measures (lazily), so a phase's peak RSS is not inflated by other phases' modules.
const PHASES: Record<string, () => Promise<unknown>> = {
  engine: async () => (await import('./engine-bench.js')).benchEngine('chat', items),
  documents: async () => (await import('./engine-bench.js')).benchEngine('documents', docs),
  queues: async () => (await import('./distributed-bench.js')).benchQueuePhase(),
  postgres: async () => (await import('./distributed-bench.js')).benchPostgresPhase(),
  'postgres-search': async () => (await import('./pg-search-bench.js')).benchPostgresSearchPhase(),
  workers: async () => (await import('./distributed-bench.js')).benchWorkersPhase(),
  logs: async () => (await import('./connectors-bench.js')).benchLogsPhase(),
  mbox: async () => (await import('./connectors-bench.js')).benchMboxPhase(),
  obsidian: async () => (await import('./connectors-bench.js')).benchObsidianPhase(),
  git: async () => (await import('./git-bench.js')).benchGitPhase(),
  search: async () => (await import('./search-bench.js')).benchSearchPhase(),
  maildir: async () => (await import('./maildir-bench.js')).benchMaildirPhase(),
  api: async () => (await import('./api-bench.js')).benchApi(),
  twins: async () => (await import('./twins-bench.js')).benchTwins(),
  forges: async () => (await import('./forges-bench.js')).benchForgesPhase(),
  google: async () => (await import('./google-bench.js')).benchGooglePhase(),
  onedrive: async () => (await import('./onedrive-bench.js')).benchOnedrivePhase(),
  knowledge: async () => (await import('./knowledge-bench.js')).benchKnowledgePhase(),
  cli: async () => (await import('./cli-bench.js')).benchCliPhase(),
  plugins: async () => (await import('./plugins-bench.js')).benchPluginsPhase(),
  embeddings: async () => (await import('./embeddings-bench.js')).benchEmbeddingsPhase(),
  vectors: async () => (await import('./vector-bench.js')).benchVectorsPhase(),
  'backlog-crash': async () => (await import('./backlog-crash-bench.js')).benchBacklogCrashPhase(),
  dashboard: async () => (await import('./dashboard-bench.js')).benchDashboardPhase(),
  voices: async () => (await import('./voices-bench.js')).benchVoicesPhase(),
  x: async () => (await import('./x-bench.js')).benchXPhase(),
};

const phaseArg = process.argv.indexOf('--phase');
const drainArg = process.argv.indexOf('--drain-child');
if (drainArg > 0) {
  // The backlog-crash phase's child process (killed with SIGKILL on purpose).
  await (await import('./backlog-crash-bench.js')).drainChild(process.argv[drainArg + 1]!, process.argv[drainArg + 2]!);
} else if (phaseArg > 0) {
  const name = process.argv[phaseArg + 1]!;
  const run = PHASES[name];
  if (!run) throw new Error(`Unknown bench phase ${name}; known: ${Object.keys(PHASES).join(', ')}`);
  await run();
} else {
  console.log(`Tributary benchmark — node ${process.version}, ${new Date().toISOString()}`);
  const only = process.env.BENCH_ONLY?.split(',');
  let failed = false;
  for (const name of Object.keys(PHASES)) {
    if (only && !only.includes(name)) continue;
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--phase', name], {
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      console.error(`bench phase ${name} failed (exit ${r.status})`);
      failed = true;
    }
  }
  process.exitCode = failed ? 1 : 0;
}
