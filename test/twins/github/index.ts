/** The GitHub REST twin: state, server (responses from the OpenAPI examples), seeds and signed webhooks. */
export * from './state.js';
export * from './server.js';
export * from './seed.js';
export * from './views.js';
export * from './webhooks.js';
