import type { Worker } from 'node:worker_threads';
import type { EngineEvent, MemoryStore, RunRecord, SyncExecutor, SyncOptions, SyncProgress } from '@tributary/engine';
import { toTributaryError, TributaryError, type LogRecord, type RateLimiter, type RateLimitSpec } from '@tributary/sdk';
import { connectorModuleOf } from '../connector-modules.js';
import { fromWireError, toWireError, toWireSyncOptions, type FromThread, type ThreadInit } from './protocol.js';
import { startSyncThread } from './spawn.js';

export interface SyncThreadPoolOptions {
  init: ThreadInit;
  /** Threads at most (syncs beyond wait for a free one). */
  size: number;
  /** Marks a run failed when its thread dies under it. */
  store: Pick<MemoryStore, 'finishRun'>;
  /** The process's shared rate limiters: threads ask these. */
  limiterFor: (account: string, spec: RateLimitSpec) => RateLimiter;
  log?: (record: LogRecord) => void;
  onEvent?: (event: EngineEvent) => void;
  /** How long `close()` waits for aborted runs to commit before ending their threads. @default 8000 */
  drainMs?: number;
}

export interface SyncThreadPool {
  /** The engine's `syncExecutor`: connectors loaded by module run in a thread, others inline. */
  executor: SyncExecutor;
  /** Syncs running in threads now. */
  busy(): number;
  /** Aborts running syncs, waits (up to `drainMs`) for them to commit, ends the threads. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  id: number;
  resolve: (run: RunRecord) => void;
  reject: (err: TributaryError) => void;
  onProgress: ((p: SyncProgress) => void) | undefined;
  runId: string | undefined;
  cleanup: () => void;
}

interface Slot {
  /** The id of the run this thread must stop, in shared memory: seen between two batches, even on a busy loop. */
  abortFlag: Int32Array;
  /** Numbers this thread among all the pool started (keys its rate-limit requests). */
  n: number;
  worker: Worker;
  ready: Promise<void>;
  current: Pending | null;
  exited: boolean;
}

/**
 * Sync threads (DESIGN §7 liveness): each sync's read, pipeline and store writes run on a worker thread with its own
 * store connection, so the thread that serves the API, MCP, health and signals never waits for a sync. This side only
 * coordinates: it sends the source id and options, relays progress, events and logs, answers rate-limit requests and
 * forwards aborts (pause, cancel, shutdown) as messages.
 */
export function createSyncThreadPool(options: SyncThreadPoolOptions): SyncThreadPool {
  const slots: Slot[] = [];
  const waiting: Array<(slot: Slot | null) => void> = [];
  const limitRequests = new Map<string, AbortController>();
  let nextId = 0;
  let started = 0;
  let closing: Promise<void> | null = null;

  const settle = (slot: Slot): Pending | null => {
    const pending = slot.current;
    slot.current = null;
    pending?.cleanup();
    if (slot.exited) return pending;
    slot.worker.unref(); // an idle thread never keeps the process alive
    const next = waiting.shift();
    if (next) {
      slot.current = placeholder;
      next(slot);
    }
    return pending;
  };
  // Reserves a slot handed to a waiter until its run is posted.
  const placeholder: Pending = {
    id: 0,
    resolve: () => undefined,
    reject: () => undefined,
    onProgress: undefined,
    runId: undefined,
    cleanup: () => undefined,
  };

  const threadDied = (slot: Slot, why: string): void => {
    if (slot.exited) return;
    slot.exited = true;
    slots.splice(slots.indexOf(slot), 1);
    const pending = slot.current;
    slot.current = null;
    if (pending && pending !== placeholder) {
      pending.cleanup();
      const error = new TributaryError(
        'internal',
        `The sync thread stopped unexpectedly (${why}); committed pages are kept and the next sync resumes from the last checkpoint.`,
      );
      if (pending.runId)
        void options.store
          .finishRun(pending.runId, { status: 'failed', errorCode: error.code, error: error.message })
          .catch(() => undefined);
      pending.reject(error);
    }
    // Syncs waiting for a thread would wait forever for this one: start its replacement.
    const next = closing ? undefined : waiting.shift();
    if (next) next(acquireFresh());
  };

  const onMessage = (slot: Slot, message: FromThread): void => {
    const pending = slot.current;
    switch (message.type) {
      case 'progress':
        if (pending && pending.id === message.id) {
          pending.runId = message.progress.runId;
          pending.onProgress?.(message.progress);
        }
        break;
      case 'event':
        options.onEvent?.(message.event);
        break;
      case 'log':
        options.log?.(message.record);
        break;
      case 'done':
        if (pending?.id === message.id) settle(slot)?.resolve(message.run);
        break;
      case 'failed':
        if (pending?.id === message.id) settle(slot)?.reject(fromWireError(message.error));
        break;
      case 'limit_acquire': {
        const controller = new AbortController();
        const key = `${slot.n}:${message.requestId}`;
        limitRequests.set(key, controller);
        options
          .limiterFor(message.account, message.spec)
          .acquire(message.cost, controller.signal)
          .then(
            (waitedMs) => slot.worker.postMessage({ type: 'limit_result', requestId: message.requestId, waitedMs }),
            (err: unknown) =>
              slot.worker.postMessage({
                type: 'limit_result',
                requestId: message.requestId,
                error: toWireError(toTributaryError(err)),
              }),
          )
          .finally(() => limitRequests.delete(key));
        break;
      }
      case 'limit_cancel':
        limitRequests.get(`${slot.n}:${message.requestId}`)?.abort();
        break;
      case 'limit_pause':
        options.limiterFor(message.account, message.spec).pauseFor(message.ms);
        break;
      default:
        break;
    }
  };

  const spawn = (): Slot => {
    const abortFlag = new SharedArrayBuffer(4);
    const worker = startSyncThread({ ...options.init, abortFlag });
    let ready!: () => void;
    let failed!: (err: Error) => void;
    const slot: Slot = {
      n: ++started,
      worker,
      abortFlag: new Int32Array(abortFlag),
      current: null,
      exited: false,
      ready: new Promise<void>((resolve, reject) => {
        ready = resolve;
        failed = reject;
      }),
    };
    slot.ready.catch(() => undefined);
    worker.on('message', (message: FromThread) => {
      if (message.type === 'ready') ready();
      else if (message.type === 'init_failed') failed(fromWireError(message.error));
      else onMessage(slot, message);
    });
    worker.on('error', (err) => {
      failed(err);
      threadDied(slot, err.message);
    });
    worker.on('exit', (code) => {
      failed(new TributaryError('internal', `The sync thread exited (code ${code}) before it was ready.`));
      threadDied(slot, `exit code ${code}`);
    });
    slots.push(slot);
    return slot;
  };

  const acquireFresh = (): Slot => {
    const slot = spawn();
    slot.current = placeholder;
    return slot;
  };

  /** A free thread: an idle one, a new one while under `size`, or the next one to finish. */
  const acquire = (): Promise<Slot | null> => {
    const idle = slots.find((s) => s.current === null && !s.exited);
    if (idle) {
      idle.current = placeholder;
      return Promise.resolve(idle);
    }
    if (slots.length < options.size) return Promise.resolve(acquireFresh());
    return new Promise((resolve) => waiting.push(resolve));
  };

  const runOn = (slot: Slot, sourceId: string, syncOptions: SyncOptions): Promise<RunRecord> =>
    new Promise<RunRecord>((resolve, reject) => {
      const id = ++nextId;
      const signal = syncOptions.signal;
      const onAbort = (): void => {
        const reason = toTributaryError(signal?.reason ?? new TributaryError('aborted', 'Sync cancelled.'));
        Atomics.store(slot.abortFlag, 0, id);
        slot.worker.postMessage({ type: 'abort', id, reason: toWireError(reason) });
      };
      slot.current = {
        id,
        resolve,
        reject,
        onProgress: syncOptions.onProgress,
        runId: undefined,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      slot.worker.ref(); // a running sync keeps the process alive, as an inline one would
      slot.worker.postMessage({ type: 'sync', id, sourceId, options: toWireSyncOptions(syncOptions) });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });

  const executor: SyncExecutor = async (source, connector, syncOptions, inline) => {
    const module = connectorModuleOf(connector);
    if (!module || !options.init.connectorModules.includes(module)) return inline();
    if (closing) throw new TributaryError('aborted', 'This process is stopping; the sync was not started.');
    const slot = await acquire();
    if (!slot) throw new TributaryError('aborted', 'This process is stopping; the sync was not started.');
    try {
      await slot.ready;
    } catch (err) {
      if (slot.current === placeholder) settle(slot);
      throw new TributaryError(
        'internal',
        `Could not start a sync thread: ${(err as Error).message}. (TRIBUTARY_SYNC_THREADS=0 runs syncs inline.)`,
        { cause: err },
      );
    }
    if (slot.exited) throw new TributaryError('internal', 'The sync thread stopped before the sync started.');
    return runOn(slot, source.id, syncOptions);
  };

  /**
   * Ends an idle thread. Its store connection holds nothing uncommitted (every page commits in its own transaction),
   * so terminating is safe and quicker than a close handshake; SQLite keeps the WAL consistent either way.
   */
  const endThread = (slot: Slot): void => {
    if (slot.exited) return;
    slot.worker.unref();
    void slot.worker.terminate();
  };

  return {
    executor,
    busy: () => slots.filter((s) => s.current !== null && s.current !== placeholder).length,
    close() {
      closing ??= (async () => {
        for (const w of waiting.splice(0)) w(null);
        const active = slots.filter((s) => s.current && s.current !== placeholder);
        const finished = Promise.all(
          active.map(
            (s) =>
              new Promise<void>((resolve) => {
                const pending = s.current!;
                const { resolve: ok, reject: ko } = pending;
                pending.resolve = (run) => (ok(run), resolve());
                pending.reject = (err) => (ko(err), resolve());
                Atomics.store(s.abortFlag, 0, pending.id);
                s.worker.postMessage({
                  type: 'abort',
                  id: pending.id,
                  reason: toWireError(new TributaryError('aborted', 'The process is stopping.')),
                });
              }),
          ),
        );
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([finished, new Promise((r) => (timer = setTimeout(r, options.drainMs ?? 8000)))]);
        clearTimeout(timer);
        // A run that ignored its abort for the whole grace period: its thread ends now, the run is recorded.
        for (const slot of active)
          if (slot.current?.runId)
            await options.store
              .finishRun(slot.current.runId, {
                status: 'aborted',
                errorCode: 'aborted',
                error: 'the process stopped before this run reached the end of its page; committed work is kept',
              })
              .catch(() => undefined);
        for (const controller of limitRequests.values()) controller.abort();
        for (const slot of [...slots]) endThread(slot);
      })();
      return closing;
    },
  };
}
