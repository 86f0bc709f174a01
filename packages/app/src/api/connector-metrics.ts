import { Counter, Gauge, type Registry } from 'prom-client';
import type { EngineEvent } from '@tributary/engine';

type ConnectorMetricEvent = Extract<EngineEvent, { type: 'connector_metric' }>;

/**
 * Connectors' own metrics (manifest `monitoring.metrics`, updated through `ctx.metrics`) as Prometheus series
 * `tributary_connector_<name>{connector, source}`, created on first update. The prefix keeps them apart from
 * Tributary's own series; two connectors declaring one name share a series (told apart by the `connector`
 * label) when they agree on its type, otherwise the later type's updates are dropped.
 */
export function createConnectorMetricSink(registry: Registry): (event: ConnectorMetricEvent) => void {
  const series = new Map<string, Counter<'connector' | 'source'> | Gauge<'connector' | 'source'>>();
  return (event) => {
    const name = `tributary_connector_${event.name}`;
    let metric = series.get(name);
    if (!metric) {
      const spec = {
        name,
        help: event.description,
        labelNames: ['connector', 'source'] as const,
        registers: [registry],
      };
      metric = event.metricType === 'counter' ? new Counter(spec) : new Gauge(spec);
      series.set(name, metric);
    }
    const labels = { connector: event.connector, source: event.sourceId };
    if (metric instanceof Gauge) {
      if (event.op === 'set') metric.set(labels, event.value);
      else metric.inc(labels, event.value);
    } else if (event.metricType === 'counter' && event.op === 'inc') metric.inc(labels, event.value);
  };
}
