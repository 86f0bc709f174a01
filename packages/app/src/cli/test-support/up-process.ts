import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';
import { repoRoot } from './spawn-cli.js';

/** A running `tributary up` and the ways the `*-up.timing` tests talk to it. */
export interface UpProcess {
  /** The server's origin, e.g. `http://127.0.0.1:43211` (the API is under `/api/v1`). */
  url: string;
  /** The bearer header for the data dir's API token. */
  auth: { authorization: string };
  /** How many hits `/api/v1/search?q=<q>` returns. */
  hits(q: string): Promise<number>;
  /** `POST /api/v1/sources/<name>/sync?wait=true`; the response status. */
  sync(name: string): Promise<number>;
  /** Stops the process (SIGTERM, SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `tributary up` on `dataDir` as a user would (a separate node process with the full environment, so sources'
 * `--credential-env` variables resolve) on a free port (runs side by side never collide on 3099), waits for the line
 * announcing the API, and reads the data dir's API token.
 * Rejects with the process's last stderr when it exits early or does not start within 60 s.
 */
export async function startUp(dataDir: string): Promise<UpProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      path.join(repoRoot, 'packages/app/src/cli/main.ts'),
      'up',
      '--port',
      '0',
    ],
    { cwd: repoRoot, env: { ...process.env, TRIBUTARY_HOME: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    // A stuck shutdown must not outlive the test and hold its data dir.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  // A test that times out never reaches its `finally`; vitest still runs this hook, so no `up` outlives its test.
  onTestFinished(() => stop());
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`up did not start: ${stderr.slice(-2000)}`)), 60_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /API\s+(http:\/\/\S+)\/api\/v1/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`up exited early (${code}): ${stderr.slice(-2000)}`)));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const auth = { authorization: `Bearer ${readFileSync(path.join(dataDir, 'api-token'), 'utf8').trim()}` };
  return {
    url,
    auth,
    hits: async (q) => {
      const res = await fetch(`${url}/api/v1/search?q=${q}`, { headers: auth });
      return ((await res.json()) as { hits: unknown[] }).hits.length;
    },
    sync: async (name) =>
      (await fetch(`${url}/api/v1/sources/${name}/sync?wait=true`, { method: 'POST', headers: auth })).status,
    stop,
  };
}
