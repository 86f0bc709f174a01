import { describe, expect, it } from 'vitest';
import type { AnyConnector } from '../connector.js';
import { REQUIREMENTS, type ConformanceFixture, type RequirementId } from './fixture.js';
import { isRequirementId, runRequirement } from './requirements/index.js';

/** Options of {@link testConnector}. */
export interface TestConnectorOptions {
  /** Title of the `describe` block. @default `conformance: <connector name>` */
  title?: string;
  /**
   * Run only these requirements (while developing). The rest are neither run nor waived, so the `coverage` test
   * fails: a narrowed suite cannot pass by accident.
   */
  only?: RequirementId[];
}

/**
 * What the `coverage` test reports: requirements neither run nor waived, and waivers of unknown requirements.
 * @returns one message per problem; empty when every requirement is accounted for
 */
export function coverageProblems(
  covered: ReadonlySet<string>,
  waivers: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(waivers)) {
    if (!isRequirementId(key))
      problems.push(`waiver names unknown requirement "${key}" (known: ${Object.keys(REQUIREMENTS).join(', ')})`);
  }
  for (const id of Object.keys(REQUIREMENTS))
    if (!covered.has(id)) problems.push(`requirement ${id} was neither run nor waived`);
  return problems;
}

/**
 * Registers the conformance suite for a connector with vitest: one test per requirement, named by its id; a waived
 * requirement is a passing test `<id> (waived: <reason>)` whose reason must be non-empty; a final `coverage` test
 * fails when a requirement was neither run nor waived, or a waiver names an unknown requirement.
 * Calls `fixture.setup()` before and `fixture.teardown()` after each requirement.
 * @example
 * testConnector(localFiles, { config: { rootDir }, setup, mutate, waivers: { 'check:bad-setup': 'no credentials' } });
 */
export function testConnector(
  connector: AnyConnector,
  fixture: ConformanceFixture,
  options: TestConnectorOptions = {},
): void {
  const waivers = fixture.waivers ?? {};
  const selected = new Set<RequirementId>(options.only ?? (Object.keys(REQUIREMENTS) as RequirementId[]));
  const covered = new Set<RequirementId>();

  describe(options.title ?? `conformance: ${connector.manifest.name}`, () => {
    for (const id of Object.keys(REQUIREMENTS) as RequirementId[]) {
      const reason = waivers[id];
      if (reason !== undefined) {
        it(`${id} (waived: ${reason})`, () => {
          expect(typeof reason === 'string' && reason.trim().length > 0, `waiver of ${id} needs a reason`).toBe(true);
          covered.add(id);
        });
        continue;
      }
      if (!selected.has(id)) continue;
      it(id, async () => {
        // Covered means "ran", pass or fail: a failure shows up as its own failed test.
        covered.add(id);
        await runRequirement(id, connector, fixture);
      });
    }

    it('coverage', () => {
      expect(coverageProblems(covered, waivers)).toEqual([]);
    });
  });
}
