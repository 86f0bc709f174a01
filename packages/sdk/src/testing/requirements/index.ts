import type { AnyConnector } from '../../connector.js';
import { REQUIREMENTS, type ConformanceFixture, type RequirementId } from '../fixture.js';
import { abortPrompt } from './abort.js';
import { checkpointBounded } from './checkpoint.js';
import { deletionsPropagate, readIncremental } from './incremental.js';
import { checkBadSetup, checkOk, manifestJsonSchema, manifestValid } from './manifest.js';
import { readCheckpointSerializable, readDeterministic, readItemsValid } from './read.js';
import { syncResumeAfterAnyPage } from './resume.js';
import { ConformanceError, type RequirementCheck } from './shared.js';

/** The check behind each requirement id. Each throws a {@link ConformanceError} when the connector fails it. */
export const REQUIREMENT_CHECKS: Record<RequirementId, RequirementCheck> = {
  'manifest:valid': manifestValid,
  'manifest:json-schema': manifestJsonSchema,
  'check:ok': checkOk,
  'check:bad-setup': checkBadSetup,
  'read:items-valid': readItemsValid,
  'read:checkpoint-serializable': readCheckpointSerializable,
  'checkpoint:bounded': checkpointBounded,
  'read:deterministic': readDeterministic,
  'read:incremental': readIncremental,
  'sync:resume:after-any-page': syncResumeAfterAnyPage,
  'deletions:propagate': deletionsPropagate,
  'abort:prompt': abortPrompt,
};

/** True for a string that is one of {@link REQUIREMENTS}' ids. */
export function isRequirementId(value: string): value is RequirementId {
  return Object.hasOwn(REQUIREMENTS, value);
}

/**
 * Runs one requirement against a connector: `fixture.setup()`, the check, then `fixture.teardown()` (always).
 * Waivers are not consulted here: {@link testConnector} decides what runs.
 * @throws ConformanceError naming the requirement and what went wrong (lost/duplicated id, page, checkpoint)
 * @example await expect(runRequirement('abort:prompt', brokenConnector, fixture)).rejects.toThrow(/kept yielding/);
 */
export async function runRequirement(
  id: RequirementId,
  connector: AnyConnector,
  fixture: ConformanceFixture,
): Promise<void> {
  const check = REQUIREMENT_CHECKS[id];
  if (!check)
    throw new Error(`Unknown conformance requirement "${String(id)}"; known: ${Object.keys(REQUIREMENTS).join(', ')}`);
  await fixture.setup();
  let failure: unknown;
  try {
    await check(connector, fixture);
  } catch (err) {
    failure = err;
  }
  try {
    await fixture.teardown?.();
  } catch (err) {
    if (failure === undefined)
      throw new ConformanceError(id, `fixture.teardown() failed: ${(err as Error)?.message ?? String(err)}`, {
        cause: err,
      });
  }
  if (failure !== undefined) throw failure;
}

export { ConformanceError, type RequirementCheck } from './shared.js';
export { crashPoints } from './resume.js';
export { CHECKPOINT_MAX_BYTES, checkpointValues } from './checkpoint.js';
