/** The Notion API twin (2025-09-03 data-sources edition): state, server and seeds. */
export * from './state.js';
export * from './server.js';
export * from './seed.js';
