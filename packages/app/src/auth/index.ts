export * from './tokens.js';
export * from './authenticate.js';
export * from './rate-limit.js';
