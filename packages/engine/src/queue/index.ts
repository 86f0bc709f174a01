export type * from './types.js';
export { backoffDelay, retryDelay } from './backoff.js';
export { validateEnqueue } from './job-input.js';
export { createSqliteQueue, type SqliteQueueOptions } from './sqlite-queue.js';
export { ensureQueueSchema } from './sqlite-schema.js';
export { createRedisQueue, deleteRedisPrefix, redisQueueKeys, type RedisQueueOptions } from './redis-queue.js';
export { benchQueues, type QueueBenchOptions, type QueueBenchResult } from './bench.js';
