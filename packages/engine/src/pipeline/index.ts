export * from './prepare.js';
export * from './chunk.js';
export * from './normalize.js';
export * from './tags.js';
export * from './enrich/index.js';
