export * from './embedder.js';
export * from './http-embedder.js';
export * from './embed-items.js';
