import type { Engine, SourceRecord } from '@tributary/engine';
import { mergeHints, TributaryError, type WebhookOutcome, type WebhookRequest } from '@tributary/sdk';

/** Where a verified webhook's sync request goes: the scheduler (debounced) or a background sync. */
export type WebhookSyncTrigger = (source: SourceRecord, hints: Record<string, unknown>) => Promise<void>;

/** How long a delivered event id is remembered, to refuse replays and provider retries. */
const SEEN_TTL_MS = 24 * 60 * 60_000;

/**
 * Offers a delivery to every active source of the connector: the one whose secret verifies the signature answers
 * (url_verification challenges included). A delivery no source verifies is refused with 401 and changes nothing.
 * An event id seen before (a replay, or the provider retrying) is acknowledged without a second sync.
 */
export async function dispatchWebhook(
  engine: Engine,
  connectorName: string,
  request: WebhookRequest,
  trigger: WebhookSyncTrigger,
  log: (message: string, fields?: Record<string, unknown>) => void,
): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
  const connector = engine.connectors.get(connectorName);
  if (!connector.webhook) {
    throw new TributaryError('not_found', `Connector "${connectorName}" does not receive webhooks.`, {
      issues: [{ path: 'path.connector', message: 'no webhooks' }],
    });
  }
  const sources = (await engine.sources.list()).filter((s) => s.sourceType === connectorName && s.status !== 'paused');
  for (const source of sources) {
    let outcome: WebhookOutcome | null;
    try {
      outcome = await engine.sources.webhook(source.id, request);
    } catch (err) {
      log('webhook handler failed', { sourceId: source.id, error: (err as Error).message });
      continue;
    }
    if (!outcome?.matched) continue;
    const hints = outcome.sync?.hints ?? {};
    const eventId = typeof hints.eventId === 'string' ? hints.eventId : undefined;
    if (
      eventId &&
      !(await engine.ports.kv.kvPutIfAbsent(
        'webhook:seen',
        `${connectorName}:${source.id}:${eventId}`,
        true,
        SEEN_TTL_MS,
      ))
    ) {
      return { status: 200, body: { ok: true, duplicate: true } };
    }
    if (outcome.sync) await trigger(source, hints);
    return {
      status: outcome.response.status,
      body: outcome.response.body ?? { ok: true },
      ...(outcome.response.headers ? { headers: outcome.response.headers } : {}),
    };
  }
  throw new TributaryError(
    'unauthenticated',
    `No ${connectorName} source verified this delivery's signature (forged, replayed, or sent for a source that does not exist here).`,
  );
}

/**
 * Without a scheduler (plain `serve`): a verified webhook starts an incremental sync in the background; events that
 * arrive while that source syncs collapse into one more sync after it.
 */
export function backgroundWebhookTrigger(
  engine: Engine,
  start: (run: (signal: AbortSignal) => Promise<unknown>) => void,
): WebhookSyncTrigger {
  const state = new Map<string, { again: boolean; hints: Record<string, unknown> }>();
  const launch = (sourceId: string): void => {
    start(async (signal) => {
      for (;;) {
        const s = state.get(sourceId)!;
        s.again = false;
        try {
          await engine.sync(sourceId, { trigger: 'webhook', hints: s.hints, signal, waitForLease: true });
        } catch {
          // The run record and the source's status carry the error.
        }
        if (!state.get(sourceId)?.again || signal.aborted) break;
      }
      state.delete(sourceId);
    });
  };
  return async (source, hints) => {
    const s = state.get(source.id);
    if (s) {
      s.hints = s.again ? mergeHints(s.hints, hints) : hints;
      s.again = true;
      return;
    }
    state.set(source.id, { again: false, hints });
    launch(source.id);
  };
}
