/**
 * `@tributary/sdk/testing` — the connector conformance kit and test helpers. Only this entry imports vitest
 * (an optional peer dependency of the SDK).
 */
export * from './fixture.js';
export * from './context.js';
export * from './pages.js';
export * from './instant-clock.js';
export * from './run.js';
export {
  REQUIREMENT_CHECKS,
  runRequirement,
  isRequirementId,
  ConformanceError,
  crashPoints,
  CHECKPOINT_MAX_BYTES,
  type RequirementCheck,
} from './requirements/index.js';
export { testConnector, coverageProblems, type TestConnectorOptions } from './conformance.js';
