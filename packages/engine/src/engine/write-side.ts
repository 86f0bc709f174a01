/*
 * What the engine facade needs only to write, sync or run a connector: loaded by `createEngine` on first use, so a
 * command that only reads (`search`, `runs`, `status`) never loads the SDK's index with zod, the pipeline or the
 * runner (~150 ms of CPU at every start, measured with `node --cpu-prof`).
 */
export { createHttpClient, parseCheckpoint, parseConfig, resolveFeatures, unlimited } from '@tributary/sdk';
export { createPipeline, validateItem } from '../pipeline/prepare.js';
export { reenrichMemories } from './reenrich.js';
export { loadPrivacyRules, parsePrivacyRules, privacyPipelineOptions, savePrivacyRules } from './privacy.js';
export { privacyDryRun, purgeMatching } from './privacy-scan.js';
export { writePage } from './page-writer.js';
export { noCredentials, runSync, secretValues } from './runner.js';
export { configToStore, openSourceConfig } from './source-config.js';
export { splitSourceSettings, validateSourceName } from './source-settings.js';
export { startBudgetMeter } from './budget.js';
export { assertPathsAllowed, pathGuardFor } from './local-access.js';
export { createConnectorRegistry } from './connector-registry.js';
export { createConnectorMetrics } from './connector-metrics.js';
export { runRemoveHook } from './push-lifecycle.js';
