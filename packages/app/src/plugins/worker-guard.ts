import os from 'node:os';
import { TributaryError } from '@tributary/sdk';
import type { Engine } from '@tributary/engine';

/**
 * Distributed mode: every worker host needs the plugins its jobs use (each host has its own data dir and plugin
 * folder). A worker that lacks a job's connector refuses the job with this error: retryable, so another worker (one
 * that has the plugin) may take it on a later attempt, and when none does the job is dead-lettered with this reason.
 * @throws TributaryError `incompatible_connector` naming the connector, the source and this host
 */
export async function assertWorkerHasConnector(
  engine: Pick<Engine, 'ports' | 'connectors'>,
  sourceId: string,
  host: string = os.hostname(),
): Promise<void> {
  const source = await engine.ports.sources.getSource(sourceId);
  if (!source) return; // the sync itself reports a missing source
  if (engine.connectors.list().some((c) => c.manifest.name === source.sourceType)) return;
  throw new TributaryError(
    'incompatible_connector',
    `The worker on ${host} has no connector "${source.sourceType}" (source "${source.name}"): install the plugin on every worker host (tributary connectors install <package>) and restart its workers.`,
    { retryable: true, details: { connector: source.sourceType, host } },
  );
}
