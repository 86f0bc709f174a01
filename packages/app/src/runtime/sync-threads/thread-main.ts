import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import {
  toTributaryError,
  TributaryError,
  type AnyConnector,
  type RateLimiter,
  type RateLimitSpec,
} from '@tributary/sdk';
import { loadConnectors } from '../connector-modules.js';
import { openRuntime, type Runtime } from '../open-runtime.js';
import { boundSyncHeapGrowth } from '../sync-heap.js';
import { cloneable, fromWireError, toWireError, type FromThread, type ThreadData, type ToThread } from './protocol.js';

/**
 * A sync thread: its own runtime (store connection, vault, engine) on the parent's data dir and environment, its
 * connectors loaded by module specifier. It runs one sync at a time on request, streams progress, engine events and
 * logs back, and stops a run when the parent sends `abort` (the run commits what is done and ends `aborted`).
 */
const port = parentPort!;
const init = workerData as ThreadData;
boundSyncHeapGrowth(init.env);
const abortFlag = new Int32Array(init.abortFlag);
const post = (message: FromThread): void => port.postMessage(message);

/** Rate limits stay shared by the whole process: this thread asks the parent's limiters. */
let nextRequest = 0;
const limitRequests = new Map<number, { resolve: (waited: number) => void; reject: (err: Error) => void }>();
function parentLimiter(account: string, spec: RateLimitSpec): RateLimiter {
  return {
    acquire(cost = 1, signal) {
      return new Promise<number>((resolve, reject) => {
        if (signal?.aborted) return reject(toTributaryError(signal.reason ?? new Error('aborted')));
        const requestId = ++nextRequest;
        const onAbort = (): void => {
          limitRequests.delete(requestId);
          post({ type: 'limit_cancel', requestId });
          reject(toTributaryError(signal?.reason ?? new Error('aborted')));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        limitRequests.set(requestId, {
          resolve: (waited) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(waited);
          },
          reject: (err) => {
            signal?.removeEventListener('abort', onAbort);
            reject(err);
          },
        });
        post({ type: 'limit_acquire', requestId, account, spec, cost });
      });
    },
    pauseFor(ms) {
      post({ type: 'limit_pause', account, spec, ms });
    },
  };
}

/**
 * Lets the thread's event loop turn after every page, so `abort` messages and the run's lease heartbeat are handled
 * even when a connector and the SQLite writes never wait on I/O (a loop of microtasks would starve them).
 */
function yieldingBetweenPages(connector: AnyConnector): AnyConnector {
  return {
    ...connector,
    async *read(ctx) {
      for await (const page of connector.read(ctx)) {
        yield page;
        await turnOfTheLoop();
        if (ctx.signal.aborted) return;
      }
    },
  } as AnyConnector;
}

const runs = new Map<number, { controller: AbortController; done: Promise<void> }>();

/**
 * Whether the parent flagged the running sync to stop (shared memory: read synchronously, so a stop is seen before the
 * next batch commits, without waiting for the `abort` message to get through this thread's busy loop).
 */
function stopFlagged(): boolean {
  const run = runs.get(Atomics.load(abortFlag, 0));
  if (!run) return false;
  if (!run.controller.signal.aborted) run.controller.abort(new TributaryError('aborted', 'Sync cancelled.'));
  return true;
}

/**
 * Sync threads yield the CPU to the thread that serves requests: on Linux a thread has its own nice value
 * (setpriority on its thread id, found through /proc/thread-self). Elsewhere, or when not allowed, nothing changes.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, 10);
  } catch {
    // not Linux, or not permitted: normal priority
  }
}

async function main(): Promise<void> {
  let runtime: Runtime;
  try {
    const connectors = (await loadConnectors(init.connectorModules, { dataDir: init.dataDir, env: init.env })).map(
      yieldingBetweenPages,
    );
    runtime = await openRuntime({
      dataDir: init.dataDir,
      env: init.env,
      connectors,
      log: (record) => post({ type: 'log', record: cloneable(record) }),
      onEvent: (event) => post({ type: 'event', event: cloneable(event) }),
      syncIn: 'inline',
      limiterFor: parentLimiter,
      recoverDeadRuns: false,
    });
  } catch (err) {
    post({ type: 'init_failed', error: toWireError(toTributaryError(err)) });
    port.close();
    return;
  }
  lowerPriority();
  // A flagged stop skips the batch about to commit (it is re-read by the next sync; nothing is lost or doubled).
  const { store } = runtime;
  const commitPage = store.commitPage.bind(store);
  store.commitPage = async (input) => {
    if (stopFlagged()) throw new TributaryError('aborted', 'Sync cancelled before this batch was committed.');
    return commitPage(input);
  };

  port.on('message', (message: ToThread) => {
    switch (message.type) {
      case 'sync': {
        const { id } = message;
        const controller = new AbortController();
        const done = runtime.engine
          .sync(message.sourceId, {
            ...message.options,
            signal: controller.signal,
            onProgress: (progress) => post({ type: 'progress', id, progress: cloneable(progress) }),
          })
          .then(
            (run) => post({ type: 'done', id, run }),
            (err: unknown) => post({ type: 'failed', id, error: toWireError(toTributaryError(err)) }),
          )
          .finally(() => runs.delete(id));
        runs.set(id, { controller, done });
        break;
      }
      case 'abort':
        runs.get(message.id)?.controller.abort(fromWireError(message.reason));
        break;
      case 'limit_result': {
        const request = limitRequests.get(message.requestId);
        limitRequests.delete(message.requestId);
        if (message.error) request?.reject(fromWireError(message.error));
        else request?.resolve(message.waitedMs ?? 0);
        break;
      }
    }
  });
  post({ type: 'ready' });
}

await main();
