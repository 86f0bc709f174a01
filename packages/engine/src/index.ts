export * from './engine/index.js';
export * from './pipeline/index.js';
export type * from './store/types.js';
export { createSqliteStore, type SqliteStoreOptions } from './store/sqlite/index.js';
export { toFtsQuery } from './store/fts-query.js';
export { createPostgresStore, type PostgresStoreOptions } from './store/postgres/index.js';
export { toTsQuery, parseSimpleQuery } from './store/fts-query.js';
export * from './vault/index.js';
