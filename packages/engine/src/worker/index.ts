export { createWorker, type RunJob, type Worker, type WorkerEvent, type WorkerOptions } from './worker.js';
export { classifyFailure, type FailureDecision } from './classify.js';
export { defaultConsumerName } from './consumer-name.js';
export { recoverStaleRuns, type RecoverStaleRunsOptions, type RecoveredRun } from './stale-runs.js';
export { createRedisRateLimiter, type RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.js';
export { createEngineRunJob, syncOptionsFromJob } from './engine-run-job.js';
export { abortDeadRuns, parseHolder, type AbortDeadRunsOptions } from './dead-runs.js';
