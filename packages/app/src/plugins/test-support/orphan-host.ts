import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openSandbox } from '../sandbox/session.js';

/**
 * A host process for the orphan test: starts a sandbox whose plugin spins forever, prints the sandbox's pid, and
 * waits to be killed (SIGKILL: no clean-up of its own runs).
 */
const dir = process.argv[2]!;
const entry = path.join(dir, 'spin.mjs');
writeFileSync(
  entry,
  `const pass = { parse: (x) => x, safeParse: () => ({ success: false }) };
export default { manifest: { name: 'spin', config: pass, checkpoint: pass }, read: async function* () { for (;;) {} } };\n`,
);
const session = openSandbox({
  label: 'spin',
  entry,
  cwd: dir,
  connector: 'spin',
  limits: { memoryMb: 64, watchdogMs: 600_000 },
  op: {
    op: 'read',
    ctx: { sourceId: 's', config: {}, features: {}, metrics: false },
    checkpoint: undefined,
    mode: 'backfill',
    since: undefined,
    hints: {},
    window: 2,
  },
  handlers: { request: () => Promise.resolve(undefined) },
});
process.stdout.write(`sandbox ${session.pid}\n`);
setInterval(() => undefined, 1000);
