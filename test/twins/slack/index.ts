/** The Slack Web API twin: state, server, seeds and signed Events API deliveries. */
export * from './state.js';
export * from './server.js';
export * from './seed.js';
export * from './events.js';
