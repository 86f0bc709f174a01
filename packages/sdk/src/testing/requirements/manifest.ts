import { z } from 'zod';
import { parseConfig, type AnyConnector } from '../../connector.js';
import { formatIssues, isTributaryError, zodIssues } from '../../errors.js';
import { configJsonSchema } from '../../json-schema.js';
import { isSdkCompatible, ManifestSchema, SDK_VERSION } from '../../manifest.js';
import { createConnectorContext, type TestContextOptions } from '../context.js';
import type { ConformanceFixture } from '../fixture.js';
import { ConformanceError, describeError, fixtureContextOptions, type RequirementCheck } from './shared.js';

export const manifestValid: RequirementCheck = async (connector) => {
  const id = 'manifest:valid';
  const { config, checkpoint, ...data } = connector.manifest;
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success)
    throw new ConformanceError(
      id,
      `manifest does not parse: ${formatIssues(zodIssues(parsed.error.issues, 'manifest'))}`,
    );
  if (!isSdkCompatible(parsed.data.sdk))
    throw new ConformanceError(id, `manifest.sdk "${parsed.data.sdk}" does not admit this SDK (${SDK_VERSION})`);
  if (!Array.isArray(data.streams) || data.streams.length === 0)
    throw new ConformanceError(id, 'manifest.streams is empty');
  if (new Set(data.streams).size !== data.streams.length)
    throw new ConformanceError(id, `manifest.streams has duplicates: ${data.streams.join(', ')}`);
  if (!data.capabilities)
    throw new ConformanceError(
      id,
      'manifest.capabilities is missing (declare it, or build the connector with defineConnector)',
    );
  if (!(config instanceof z.ZodType)) throw new ConformanceError(id, 'manifest.config is not a zod schema');
  if (!(checkpoint instanceof z.ZodType)) throw new ConformanceError(id, 'manifest.checkpoint is not a zod schema');
};

export const manifestJsonSchema: RequirementCheck = async (connector, fixture) => {
  const id = 'manifest:json-schema';
  let schema: Record<string, unknown>;
  try {
    schema = configJsonSchema(connector.manifest.config);
  } catch (err) {
    throw new ConformanceError(id, `config schema does not convert to JSON Schema: ${describeError(err)}`, {
      cause: err,
    });
  }
  if (schema.type !== 'object')
    throw new ConformanceError(
      id,
      `config JSON Schema must be an object schema, got type ${JSON.stringify(schema.type)}`,
    );
  try {
    parseConfig(connector, fixture.config);
  } catch (err) {
    throw new ConformanceError(id, `the fixture config does not parse: ${describeError(err)}`, { cause: err });
  }
};

export const checkOk: RequirementCheck = async (connector, fixture) => {
  const id = 'check:ok';
  let result;
  try {
    result = await connector.check(createConnectorContext(connector, fixtureContextOptions(fixture)));
  } catch (err) {
    throw new ConformanceError(id, `check() threw against the good setup: ${describeError(err)}`, { cause: err });
  }
  if (!result || result.ok !== true)
    throw new ConformanceError(id, `check() failed against the good setup: ${result?.message ?? '(no result)'}`);
};

/** Outcome of `check()` against one bad setup: undefined when it failed cleanly, else what went wrong. */
async function badSetupProblem(connector: AnyConnector, opts: TestContextOptions): Promise<string | undefined> {
  try {
    // A config that does not parse is refused before check() runs: that is a clean invalid_config.
    const ctx = createConnectorContext(connector, opts);
    const result = await connector.check(ctx);
    if (!result || typeof result !== 'object') return `check() resolved ${JSON.stringify(result)}, not { ok, message }`;
    if (result.ok !== false) return 'check() resolved ok: true';
    if (typeof result.message !== 'string' || result.message.trim() === '')
      return 'check() resolved ok: false without a message saying what to fix';
    return undefined;
  } catch (err) {
    if (isTributaryError(err)) return undefined;
    return `check() crashed instead of failing cleanly (throw a TributaryError or resolve ok: false): ${describeError(err)}`;
  }
}

export const checkBadSetup: RequirementCheck = async (connector, fixture: ConformanceFixture) => {
  const id = 'check:bad-setup';
  const bad = fixture.badSetups ?? [];
  if (bad.length === 0)
    throw new ConformanceError(
      id,
      'fixture.badSetups is empty: add a bad config or credential, or waive check:bad-setup with a reason',
    );
  for (const setup of bad) {
    const opts = fixtureContextOptions(fixture);
    if ('config' in setup) opts.config = setup.config;
    // An explicit `credentials: undefined` means "no credential stored".
    if ('credentials' in setup) opts.credentials = setup.credentials;
    const problem = await badSetupProblem(connector, opts);
    if (problem) throw new ConformanceError(id, `bad setup "${setup.name}": ${problem}`);
  }
};
