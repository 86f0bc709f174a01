/** A running sync as the server streams it (`progress` events of /api/v1/dashboard/events). */
export interface LiveProgress {
  source_id: string;
  run_id: string | null;
  phase: string;
  items_seen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  pages: number;
  total: number | null;
  started_at: string;
}

type Listener = () => void;

/**
 * One EventSource for the whole app: the live progress of each running sync, and a "something finished" signal
 * pages use to reload. EventSource reconnects by itself; the cookie authenticates it.
 */
export function createLive() {
  const progress = new Map<string, LiveProgress>();
  const listeners = new Set<Listener>();
  const finishedListeners = new Set<(sourceId: string) => void>();
  // A fast sync can finish before the button's answer arrives: its run must not then look running forever.
  const finishedRuns = new Set<string>();
  let source: EventSource | null = null;
  const notify = () => listeners.forEach((l) => l());
  return {
    start(): void {
      if (source) return;
      source = new EventSource('/api/v1/dashboard/events');
      source.addEventListener('progress', (e) => {
        const p = JSON.parse((e as MessageEvent<string>).data) as LiveProgress;
        progress.set(p.source_id, p);
        notify();
      });
      source.addEventListener('finished', (e) => {
        const { source_id, run } = JSON.parse((e as MessageEvent<string>).data) as {
          source_id: string;
          run: { id: string };
        };
        finishedRuns.add(run.id);
        progress.delete(source_id);
        notify();
        finishedListeners.forEach((l) => l(source_id));
      });
    },
    stop(): void {
      source?.close();
      source = null;
      progress.clear();
    },
    get(sourceId: string): LiveProgress | undefined {
      return progress.get(sourceId);
    },
    /** Marks a sync as started before its first event arrives (the button was pressed). */
    started(sourceId: string, runId: string): void {
      if (!progress.has(sourceId) && !finishedRuns.has(runId))
        progress.set(sourceId, {
          source_id: sourceId,
          run_id: runId,
          phase: 'starting',
          items_seen: 0,
          created: 0,
          updated: 0,
          deleted: 0,
          unchanged: 0,
          failed: 0,
          pages: 0,
          total: null,
          started_at: new Date().toISOString(),
        });
      notify();
    },
    subscribe(l: Listener): () => void {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    onFinished(l: (sourceId: string) => void): () => void {
      finishedListeners.add(l);
      return () => void finishedListeners.delete(l);
    },
  };
}

export const live = createLive();
