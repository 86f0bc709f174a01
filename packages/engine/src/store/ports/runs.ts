/** Sync runs: their mode, outcome, counters and heartbeat (the seed's sync history). */

export type RunMode = 'backfill' | 'incremental' | 'full_refresh' | 'webhook' | 'push';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'aborted';
export type RunTrigger = 'manual' | 'schedule' | 'webhook' | 'push' | 'api';

export interface RunCounts {
  itemsSeen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** Per-item failures the connector or pipeline skipped. */
  failed: number;
  apiCalls: number;
  rateLimitWaitMs: number;
}

export interface RunRecord extends RunCounts {
  id: string;
  sourceId: string;
  mode: RunMode;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  heartbeatAt: string | null;
  error: string | null;
  errorCode: string | null;
}

export interface RunStore {
  startRun(input: { sourceId: string; mode: RunMode; trigger: RunTrigger }): Promise<RunRecord>;
  heartbeatRun(runId: string): Promise<void>;
  /** Ends a run. `counts`, when given, are the run's final totals (absolute), replacing the per-page increments. */
  finishRun(
    runId: string,
    outcome: {
      status: Exclude<RunStatus, 'running'>;
      mode?: RunMode;
      error?: string | null;
      errorCode?: string | null;
      counts?: Partial<RunCounts>;
    },
  ): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | null>;
  listRuns(filter: { sourceId?: string; ownerId?: string; status?: RunStatus; limit?: number }): Promise<RunRecord[]>;
  /** Runs still `running` whose heartbeat is older than the cutoff (their holder died). */
  findStaleRuns(heartbeatBefore: string): Promise<RunRecord[]>;
}
