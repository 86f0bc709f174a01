export {
  DEFAULT_POLICY,
  planTick,
  syncJobFor,
  type PlannedJob,
  type SchedulePolicy,
  type ScheduleStatus,
  type SourceMemo,
  type SourceScheduleState,
  type SourceView,
} from './plan.js';
export { nextCronTime, validateCron } from './cron.js';
export {
  createScheduler,
  storeSourcePort,
  type Scheduler,
  type SchedulerOptions,
  type SchedulerSourcePort,
  type TickResult,
} from './scheduler.js';
export {
  createRedisWorkerRegistry,
  startWorkerAdvertiser,
  type WorkerAdvertiser,
  type WorkerConnectorRegistry,
} from './worker-connectors.js';
export { startSchedulerLoop, type SchedulerLoop, type SchedulerLoopOptions } from './loop.js';
export type { LeaderElector, LeadershipListener } from './leader.js';
export { createRedisLeaderElector, type RedisLeaderOptions } from './leader-redis.js';
export { createPgLeaderElector, type PgLeaderOptions } from './leader-postgres.js';
