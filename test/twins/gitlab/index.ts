/** The GitLab REST v4 twin: state, server, seeds, webhook deliveries and the spec check. */
export * from './state.js';
export * from './server.js';
export * from './seed.js';
export * from './views.js';
export * from './webhooks.js';
export * from './spec.js';
