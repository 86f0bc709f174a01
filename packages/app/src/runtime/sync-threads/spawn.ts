import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ThreadData } from './protocol.js';

/**
 * Starts a sync thread. Built code (dist, what `tributary` runs) starts `thread-main.js` directly. Source runs (vitest,
 * or `node --import tsx` in the process tests) start a small bootstrap that registers tsx's loader inside the thread
 * first: a worker thread cannot load `.ts` by itself, and `--import tsx` inherited from the parent registers its hooks
 * too late for the thread's entry module.
 */
export function startSyncThread(init: ThreadData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./thread-main.js', here), { workerData: init });
  const tsxDir = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./thread-main.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: init, execArgv: ['--conditions=source'] });
}
