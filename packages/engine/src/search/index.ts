export * from './types.js';
export * from './rrf.js';
export * from './cursor.js';
export * from './ranked-search.js';
export * from './embed-backlog.js';
export * from './embedding-worker.js';
