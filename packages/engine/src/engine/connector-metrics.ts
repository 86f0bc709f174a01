import type { AnyConnector, ConnectorMetrics, Logger } from '@tributary/sdk';
import type { EngineEvent } from './types.js';

/**
 * `ctx.metrics` of one source: updates of the metrics its manifest declares (`monitoring.metrics`) become
 * `connector_metric` engine events, which the host's /metrics exporter turns into labelled series (events cross
 * sync threads; a registry would not). Misuse is logged once per name and ignored: metrics never fail a sync.
 */
export function createConnectorMetrics(
  connector: AnyConnector,
  sourceId: string,
  onEvent: ((event: EngineEvent) => void) | undefined,
  logger: Logger,
): ConnectorMetrics {
  const declared = new Map((connector.manifest.monitoring?.metrics ?? []).map((m) => [m.name, m]));
  const warned = new Set<string>();
  const refuse = (name: string, why: string): void => {
    if (warned.has(name)) return;
    warned.add(name);
    logger.warn(`connector metric ignored: ${why}`, { metric: name });
  };
  const emit = (name: string, op: 'inc' | 'set', value: number): void => {
    const spec = declared.get(name);
    if (!spec) return refuse(name, `"${name}" is not declared in the manifest's monitoring.metrics`);
    if (!Number.isFinite(value)) return refuse(name, `"${name}" got a value that is not a finite number`);
    if (spec.type === 'counter' && (op === 'set' || value < 0))
      return refuse(name, `"${name}" is a counter: only inc by a non-negative amount`);
    onEvent?.({
      type: 'connector_metric',
      sourceId,
      connector: connector.manifest.name,
      name,
      metricType: spec.type,
      description: spec.description,
      op,
      value,
    });
  };
  return {
    inc: (name, by = 1) => emit(name, 'inc', by),
    set: (name, value) => emit(name, 'set', value),
  };
}
