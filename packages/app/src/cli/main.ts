#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLI_VERSION } from './version.js';

/** The `tributary` executable. */
const argv = process.argv.slice(2);
// `tributary --version` answers before any other module loads (scripts call it to probe the install).
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${CLI_VERSION}\n`, () => process.exit(0));
  await new Promise<never>(() => undefined); // the write's callback ends the process
}
// V8's compile cache (node:module, Node ≥ 22.1; absent from Node 20, where this is a no-op): the modules below are
// parsed once per install instead of at every start. Node skips it when NODE_DISABLE_COMPILE_CACHE is set.
const { default: nodeModule } = await import('node:module');
(nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(
  `${process.env.XDG_CACHE_HOME || `${process.env.HOME ?? '/tmp'}/.cache`}/tributary/compile-cache`,
);

// `tributary export x | head`: the reader went away; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/**
 * Signals: a command that handles them (sync, up, serve, worker) gets the first and stops cleanly; a second one, or a
 * first one the command does not handle, exits at once; a clean stop that takes over 10 s ends the process anyway.
 */
let signalsSeen = 0;
for (const [signal, exitCode] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    signalsSeen++;
    if (signalsSeen > 1 || process.listenerCount(signal) < 2) process.exit(exitCode);
    setTimeout(() => process.exit(exitCode), 10_000).unref();
  });
}

// `tributary search …` runs without the program (commander, the command table) when it parses exactly: one bundled
// module when built (dist/cli/quick/, see quick-search.ts), else the same code unbundled (sources run through tsx).
const command = argv.find((arg, i) => !arg.startsWith('-') && argv[i - 1] !== '--data-dir');
const quick = command === 'search' ? await quickSearchModule() : undefined;
const quickCode = quick ? await quick.quickSearch(argv, quick.processIo()) : undefined;
const code = quickCode ?? (await runProgram());
process.exitCode = code;
// The engine is closed; if a stray handle (a library timer) still holds the loop, do not hang the shell.
setTimeout(() => process.exit(code), 2000).unref();

async function quickSearchModule(): Promise<typeof import('./quick-search.js')> {
  const bundled = new URL('./quick/quick-search.js', import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? import(bundled.href) : import('./quick-search.js');
}

async function runProgram(): Promise<number> {
  const { needsConnectors } = await import('./context.js');
  const { runtimeEngineFactory } = await import('./engine-factory.js');
  const { processIo } = await import('./io.js');
  const { runCli } = await import('./program.js');
  // Loading every connector (and its libraries) costs a second; `search`, `status` … never run one.
  // Loaded by module specifier, so sync threads can load the same connectors (see runtime/connector-modules.ts).
  // Imported when a command runs, not before: `--help` and `--version` load neither connectors nor the engine.
  // Plugins of the data dir load too (their code runs in sandboxes); a refused one is named on stderr, the rest run.
  const connectors = async (dataDir: string) =>
    needsConnectors(argv)
      ? (await import('../runtime/connector-modules.js')).loadConnectors(undefined, {
          dataDir,
          env: process.env,
          onRefused: (line) => process.stderr.write(`warning: ${line}\n`),
        })
      : [];
  return runCli(argv, processIo(), { connectors, openEngine: runtimeEngineFactory(process.env) });
}
