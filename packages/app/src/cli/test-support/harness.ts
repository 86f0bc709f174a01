import type { AnyConnector } from '@tributary/sdk';
import { runtimeEngineFactory } from '../engine-factory.js';
import type { CliIo } from '../io.js';
import { runCli } from '../program.js';

/** Runs the CLI in-process against a real SQLite data dir, capturing output. */
export function harness(
  connectors: AnyConnector[],
  dataDir: string,
  cwd: string,
  extraEnv: Record<string, string> = {},
) {
  let interrupt: (() => void) | undefined;
  const run = async (...argv: string[]) => {
    const captured = capturingIo(dataDir, cwd, extraEnv, (h) => (interrupt = h));
    const code = await runCli(argv, captured.io, { connectors, openEngine: runtimeEngineFactory({}) });
    const { stdout, stderr } = captured;
    return { code, stdout, stderr, json: () => JSON.parse(stdout) as any };
  };
  return { run, interrupt: () => interrupt?.() };
}

/** A CLI's io over a data dir whose output is kept (`stdout`, `stderr`); confirmations answer yes. */
export function capturingIo(
  dataDir: string,
  cwd: string,
  extraEnv: Record<string, string> = {},
  onInterrupt: (handler: (() => void) | undefined) => void = () => undefined,
) {
  const captured: { stdout: string; stderr: string; io: CliIo } = {
    stdout: '',
    stderr: '',
    io: {
      stdout: { write: (s: string) => (captured.stdout += s), isTTY: false },
      stderr: { write: (s: string) => (captured.stderr += s), isTTY: false },
      stdinIsTTY: false,
      env: { TRIBUTARY_HOME: dataDir, HOME: cwd, ...extraEnv },
      cwd,
      confirm: async () => true,
      onInterrupt: (h) => {
        onInterrupt(h);
        return () => onInterrupt(undefined);
      },
    },
  };
  return captured;
}
