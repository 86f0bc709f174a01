import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it('`tributary up`: API, scheduler and worker in one process — a source added over HTTP is synced on its own and searchable; SIGTERM stops cleanly', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tributary-up-'));
  dirs.push(dataDir);
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      path.join(repoRoot, 'packages/app/src/cli/main.ts'),
      'up',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--interval-ms',
      '200',
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, TRIBUTARY_HOME: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
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
    const tokenFile = path.join(dataDir, 'api-token');
    expect(statSync(tokenFile).mode & 0o077).toBe(0);
    const token = readFileSync(tokenFile, 'utf8').trim();
    const api = (p: string, init: RequestInit = {}) =>
      fetch(`${url}/api/v1${p}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
    const created = await api('/sources', {
      method: 'POST',
      body: JSON.stringify({
        source_type: 'synthetic',
        name: 'demo',
        config: { count: 3000, pageSize: 500 },
        schedule: { interval_minutes: 60 },
      }),
    });
    expect(created.status).toBe(201);
    // Nobody asks for a sync: the scheduler finds the never-synced scheduled source and the worker runs it.
    const deadline = Date.now() + 90_000;
    let hits: unknown[] = [];
    while (Date.now() < deadline) {
      const res = await api('/search?q=item2999');
      hits = ((await res.json()) as { hits: unknown[] }).hits;
      if (hits.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(hits).toHaveLength(1);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 180_000);
