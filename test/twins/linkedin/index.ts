export * from './schema.js';
export * from './state.js';
export * from './seed.js';
export * from './server.js';
