import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineEvent } from '@tributary/engine';
import { createConnectorMetricSink } from './connector-metrics.js';

/** Prometheus metrics of one process: the engine's events, HTTP traffic and the queue depth. */
export interface Metrics {
  registry: Registry;
  /** Pass as `EngineOptions.onEvent`. */
  onEvent(event: EngineEvent): void;
  /** The lead's worker/scheduler feeds the queue depth here. */
  setQueueDepth(depth: number, queue?: string): void;
  /** Records one HTTP request (the app's middleware calls it). */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** `tributary_dead_letters` is read from here at every scrape (the queue's durable count, not a local counter). */
  trackDeadLetters(count: () => Promise<number>): void;
}

/**
 * Creates a registry with Tributary's metrics (names `tributary_*`) plus Node's default process metrics.
 * @example
 * const metrics = createMetrics();
 * const engine = createEngine({ store, connectors, onEvent: metrics.onEvent });
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'tributary_' });
  const bySource = ['source', 'connector'] as const;
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: bySource, registers: [registry] });
  const items = counter('tributary_items_ingested_total', 'Items received by the pipeline (pulled or pushed).');
  const created = counter('tributary_memories_created_total', 'Memories created.');
  const updated = counter('tributary_memories_updated_total', 'Memories updated (a new version).');
  const deleted = counter('tributary_memories_deleted_total', 'Memories tombstoned.');
  const duplicates = counter('tributary_duplicates_skipped_total', 'Items skipped as unchanged duplicates.');
  const apiCalls = counter('tributary_api_calls_total', 'Calls to upstream APIs made by connectors.');
  const waits = counter('tributary_rate_limit_waits_total', 'Times a connector waited for a rate limit.');
  const waitSeconds = counter('tributary_rate_limit_wait_seconds_total', 'Seconds spent waiting for rate limits.');
  const runs = new Counter({
    name: 'tributary_sync_runs_total',
    help: 'Finished sync runs by status.',
    labelNames: ['connector', 'status'] as const,
    registers: [registry],
  });
  const runDuration = new Histogram({
    name: 'tributary_sync_run_duration_seconds',
    help: 'Duration of finished sync runs.',
    labelNames: ['connector', 'status'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: 'tributary_queue_depth',
    help: 'Jobs waiting in the queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
  const connectorMetric = createConnectorMetricSink(registry);
  let deadLetterCount: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'tributary_dead_letters',
    help: 'Jobs in the dead-letter queue (list them: tributary jobs dead).',
    registers: [registry],
    async collect() {
      if (!deadLetterCount) return;
      // A queue that cannot answer leaves the last value: a scrape must not fail because Redis blinked.
      const n = await deadLetterCount().catch(() => undefined);
      if (n !== undefined) this.set(n);
    },
  });
  const httpRequests = new Counter({
    name: 'tributary_http_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpLatency = new Histogram({
    name: 'tributary_http_request_duration_seconds',
    help: 'HTTP request latency by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });

  return {
    registry,
    onEvent(event) {
      switch (event.type) {
        case 'page_committed': {
          const l = { source: event.sourceId, connector: event.connector };
          items.inc(l, event.items);
          created.inc(l, event.created);
          updated.inc(l, event.updated);
          deleted.inc(l, event.deleted);
          duplicates.inc(l, event.unchanged);
          break;
        }
        case 'run_finished': {
          const l = { connector: event.source.sourceType, status: event.run.status };
          runs.inc(l);
          if (event.run.finishedAt) {
            const seconds = (Date.parse(event.run.finishedAt) - Date.parse(event.run.startedAt)) / 1000;
            if (Number.isFinite(seconds) && seconds >= 0) runDuration.observe(l, seconds);
          }
          break;
        }
        case 'api_call':
          apiCalls.inc({ source: event.sourceId, connector: event.connector });
          break;
        case 'rate_limit_wait': {
          const l = { source: event.sourceId, connector: event.connector };
          waits.inc(l);
          waitSeconds.inc(l, event.ms / 1000);
          break;
        }
        case 'connector_metric':
          connectorMetric(event);
          break;
      }
    },
    setQueueDepth(depth, queue = 'ingestion') {
      queueDepth.set({ queue }, depth);
    },
    trackDeadLetters(count) {
      deadLetterCount = count;
    },
    observeHttp(method, route, status, seconds) {
      const l = { method, route, status: String(status) };
      httpRequests.inc(l);
      httpLatency.observe(l, seconds);
    },
  };
}
