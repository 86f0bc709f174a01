import type {
  CheckResult,
  Credential,
  DiscoveredResource,
  FeatureSetting,
  LogRecord,
  Page,
  Progress,
  SyncMode,
} from '@tributary/sdk';
import type { WireError } from '../../runtime/sync-threads/protocol.js';
import type { PluginDescriptor } from '../descriptor.js';

/**
 * The messages between the host and a plugin's sandbox process (Node IPC with `serialization: 'advanced'`, i.e.
 * structured clone). One process serves one operation (`describe`, `check`, `discover` or `read`) and then exits,
 * so nothing a plugin leaks or breaks outlives its run.
 */

/** What the sandbox needs to build a connector context (everything else is asked for by message). */
export interface SandboxContext {
  sourceId: string;
  config: Record<string, unknown>;
  features: Record<string, boolean>;
  /** Each feature's state and validated config, when the host has them. */
  featureSettings?: Record<string, FeatureSetting>;
  /** Whether the host takes the connector's metrics (`ctx.metrics`), relayed as `metric` messages. */
  metrics: boolean;
}

export type SandboxOp =
  | { op: 'describe' }
  | { op: 'check'; ctx: SandboxContext }
  | { op: 'discover'; ctx: SandboxContext }
  | {
      op: 'read';
      ctx: SandboxContext;
      checkpoint: Record<string, unknown> | undefined;
      mode: SyncMode;
      since: string | undefined;
      hints: Record<string, unknown>;
      /** Pages the sandbox may send ahead of the host's commits (back pressure; memory stays O(window × page)). */
      window: number;
    };

export type ToSandbox =
  | ({ type: 'start'; entry: string; connector: string } & SandboxOp)
  /** The host committed (or dropped) one page: the sandbox may send another. */
  | { type: 'ack' }
  | { type: 'abort'; reason: WireError }
  | { type: 'reply'; id: number; value?: unknown; error?: WireError };

/** Requests the sandbox makes of the host; each is answered by a `reply` with the same id. */
export type SandboxRequest =
  | { kind: 'credential_get' }
  | { kind: 'credential_refresh' }
  | { kind: 'limit_acquire'; cost: number }
  | { kind: 'state_get'; key: string }
  | { kind: 'state_get_many'; keys: string[] }
  /** The next batch of `state.list(prefix)`; `cursor` is the last key of the previous batch. */
  | { kind: 'state_list'; prefix: string; cursor: string | undefined; limit: number };

export type FromSandbox =
  /** Sent every second by a timer: a sandbox whose event loop is stuck stops sending it (the watchdog's signal). */
  | { type: 'alive'; rssBytes: number }
  | { type: 'page'; page: Page }
  | { type: 'done' }
  | { type: 'failed'; error: WireError }
  | { type: 'described'; descriptor: PluginDescriptor['connector'] }
  | { type: 'checked'; result: CheckResult }
  | { type: 'discovered'; resources: DiscoveredResource[] }
  | { type: 'log'; record: LogRecord }
  | { type: 'progress'; progress: Progress }
  | { type: 'api_calls'; n: number }
  | { type: 'rate_limit_wait'; ms: number }
  | { type: 'pause_limit'; ms: number }
  | { type: 'metric'; op: 'inc' | 'set'; name: string; value: number | undefined }
  | ({ type: 'request'; id: number } & SandboxRequest);

export type { Credential };
