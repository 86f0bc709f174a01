import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// A plugin stuck in a loop cannot see its host go away (its event loop never turns): the sandbox's guard thread
// ends it when the host dies, even by SIGKILL, so no orphan keeps burning a core.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-orphan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `R`, `S`, `Z` … from /proc, or null when the process is gone (Linux). */
function state(pid: number): { state: string; cpuTicks: number } | null {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return null;
  try {
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return { state: fields[0]!, cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

describe('a hung plugin whose host dies', () => {
  it('ends with its host', async () => {
    const script = fileURLToPath(new URL('./test-support/orphan-host.ts', import.meta.url));
    const host = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', script, tmp], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      host.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /sandbox (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      host.on('exit', (code) => reject(new Error(`host exited (${code}) before starting its sandbox`)));
    });
    // Wait until the plugin is spinning (it has used CPU time in its loop), then kill the host outright.
    await expect.poll(() => state(pid)?.cpuTicks ?? 0, { timeout: 30_000, interval: 100 }).toBeGreaterThan(100);
    host.kill('SIGKILL');
    await expect.poll(() => state(pid)?.state ?? 'gone', { timeout: 15_000, interval: 200 }).toMatch(/^(gone|Z)$/);
  }, 60_000);
});
