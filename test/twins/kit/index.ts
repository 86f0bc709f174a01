/**
 * The twin kit: local HTTP servers that reproduce a provider's documented behaviour for connector tests (routing,
 * request counting, fault injection, schema checks). Test code only — never imported by the product.
 */
export * from './faults.js';
export * from './server.js';
export * from './schema.js';
export * from './logical-clock.js';
export * from './paths.js';
