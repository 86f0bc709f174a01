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
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: false },
      stdinIsTTY: false,
      env: { TRIBUTARY_HOME: dataDir, HOME: cwd, ...extraEnv },
      cwd,
      confirm: async () => true,
      onInterrupt: (h) => {
        interrupt = h;
        return () => (interrupt = undefined);
      },
    };
    const code = await runCli(argv, io, { connectors, openEngine: runtimeEngineFactory({}) });
    return { code, stdout, stderr, json: () => JSON.parse(stdout) as any };
  };
  return { run, interrupt: () => interrupt?.() };
}
