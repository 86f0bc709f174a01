export * from './types.js';
export * from './create-engine.js';
export {
  manifestHash,
  missingEnvVars,
  type ConnectorRegistry,
  type ConnectorStatus,
  type FeatureView,
  type FeatureWrite,
} from './connector-registry.js';
export { splitSourceSettings, validateSourceName, SOURCE_NAME_MAX } from './source-settings.js';
export { runSync, noCredentials, secretValues as sourceSecretValues } from './runner.js';
export { writePage } from './page-writer.js';
export { pushRenewalPort, runRemoveHook, REMOVE_HOOK_TIMEOUT_MS } from './push-lifecycle.js';
export { DEFAULT_BUDGETS, type Budgets, type DiskProbe } from './budget.js';
export { normalizeRoots, protectedPathsOf } from './local-access.js';
export { PrivacyRulesSchema, parsePrivacyRules, type PrivacyRules } from './privacy.js';
export type { PrivacyReport, PrivacySample } from './privacy-scan.js';
export type { ReenrichResult } from './reenrich.js';
