export { createApp, API_PREFIX, type TributaryApp } from './app.js';
export { startServer, type StartServerOptions, type RunningServer } from './server.js';
export { createMetrics, type Metrics } from './metrics.js';
export { HTTP_STATUS, toHttpError, type ErrorEnvelope } from './errors.js';
export { DEFAULT_LIMITS, type ApiLimits, type AppDeps } from './context.js';
