export * from './types.js';
export * from './create-engine.js';
export { splitSourceSettings, validateSourceName, SOURCE_NAME_MAX } from './source-settings.js';
export { runSync, noCredentials, secretValues as sourceSecretValues } from './runner.js';
export { writePage } from './page-writer.js';
export { DEFAULT_BUDGETS, type Budgets, type DiskProbe } from './budget.js';
export { normalizeRoots, protectedPathsOf } from './local-access.js';
