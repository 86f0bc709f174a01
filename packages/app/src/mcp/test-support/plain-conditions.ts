import { register } from 'node:module';

/**
 * The test runner loads node_modules with the workspace's `source` export condition (vitest.config.ts
 * `externalConditions`). `eventsource-parser` (used by the MCP SDK's HTTP client) publishes a `source` condition
 * pointing at TypeScript files Node cannot load, so resolve that one package without the condition.
 */
const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'eventsource-parser' || specifier.startsWith('eventsource-parser/'))
    return next(specifier, { ...context, conditions: context.conditions.filter((c) => c !== 'source') });
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
