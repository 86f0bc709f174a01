#!/usr/bin/env node
import { loadConnectors } from '../runtime/connector-modules.js';
import { needsConnectors } from './context.js';
import { runtimeEngineFactory } from './engine-factory.js';
import { processIo } from './io.js';
import { runCli } from './program.js';

// `tributary export x | head`: the reader went away; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/** The `tributary` executable. */
const argv = process.argv.slice(2);
// Loading every connector (and its libraries) costs a second; `search`, `status` … never run one.
// Loaded by module specifier, so sync threads can load the same connectors (see runtime/connector-modules.ts).
const connectors = needsConnectors(argv) ? await loadConnectors() : [];
const code = await runCli(argv, processIo(), { connectors, openEngine: runtimeEngineFactory(process.env) });
process.exitCode = code;
// The engine is closed; if a stray handle (a library timer) still holds the loop, do not hang the shell.
setTimeout(() => process.exit(code), 2000).unref();
