import type { EngineEvent, SyncProgress } from '@tributary/engine';
import { runWire } from '../wire.js';

/** What the dashboard shows of a running sync (the wire shape of an SSE `progress` event). */
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
  /** Items the connector expects in all (when it says). */
  total: number | null;
  started_at: string;
}

export type ProgressMessage =
  | { type: 'progress'; progress: LiveProgress }
  | { type: 'finished'; ownerId: string; source_id: string; run: ReturnType<typeof runWire> };

/**
 * The engine's progress reporting, gathered per source for the dashboard's server-sent events. Two inputs: the
 * engine's events (`page_committed`, `run_finished`: every sync of this process, from the scheduler, the worker
 * threads or the API), and the finer `SyncProgress` of syncs the API starts (phases and the connector's total).
 * A source fed by the second ignores the first's increments, so nothing is counted twice.
 */
export function createProgressHub(now: () => number = Date.now) {
  const live = new Map<string, LiveProgress & { exact: boolean }>();
  const listeners = new Set<(m: ProgressMessage) => void>();
  const emit = (m: ProgressMessage): void => {
    for (const l of listeners) l(m);
  };
  const entry = (sourceId: string) => {
    let e = live.get(sourceId);
    if (!e) {
      e = {
        source_id: sourceId,
        run_id: null,
        phase: 'reading',
        items_seen: 0,
        created: 0,
        updated: 0,
        deleted: 0,
        unchanged: 0,
        failed: 0,
        pages: 0,
        total: null,
        started_at: new Date(now()).toISOString(),
        exact: false,
      };
      live.set(sourceId, e);
    }
    return e;
  };
  const publish = (e: LiveProgress & { exact: boolean }): void => {
    const { exact: _exact, ...progress } = e;
    emit({ type: 'progress', progress });
  };
  return {
    /** Pass as (part of) the engine's `onEvent`. */
    onEvent(event: EngineEvent): void {
      if (event.type === 'page_committed') {
        const e = entry(event.sourceId);
        if (e.exact) return;
        e.pages++;
        e.items_seen += event.items;
        e.created += event.created;
        e.updated += event.updated;
        e.deleted += event.deleted;
        e.unchanged += event.unchanged;
        publish(e);
      } else if (event.type === 'run_finished') {
        live.delete(event.source.id);
        emit({ type: 'finished', ownerId: event.source.ownerId, source_id: event.source.id, run: runWire(event.run) });
      }
    },
    /** Pass as a sync's `onProgress`. */
    report(p: SyncProgress): void {
      const e = entry(p.sourceId);
      Object.assign(e, {
        run_id: p.runId,
        phase: p.phase,
        items_seen: p.itemsSeen,
        created: p.created,
        updated: p.updated,
        deleted: p.deleted,
        unchanged: p.unchanged,
        failed: p.failed,
        pages: p.pages,
        total: p.total ?? e.total,
        exact: true,
      });
      publish(e);
    },
    /** Syncs running now, as far as this process knows. */
    snapshot(): LiveProgress[] {
      return [...live.values()].map(({ exact: _exact, ...p }) => p);
    },
    subscribe(listener: (m: ProgressMessage) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ProgressHub = ReturnType<typeof createProgressHub>;
