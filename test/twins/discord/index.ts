/** The Discord REST twin (API v10): state, server with per-route buckets and the global limit, seeds, spec check. */
export * from './state.js';
export * from './server.js';
export * from './seed.js';
export * from './views.js';
export * from './spec.js';
export * from './gateway.js';
