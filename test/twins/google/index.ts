export * from './errors.js';
export * from './gmail-state.js';
export * from './gmail-server.js';
export * from './gmail-seed.js';
export * from './discovery.js';
export * from './push.js';
