import { isDeepStrictEqual } from 'node:util';
import { formatIssues, zodIssues } from '../../errors.js';
import { ItemSchema } from '../../item.js';
import { describeDiff, diffStates, isSameState } from '../pages.js';
import { ConformanceError, fullRead, stateOf, type RequirementCheck } from './shared.js';

export const readItemsValid: RequirementCheck = async (connector, fixture) => {
  const id = 'read:items-valid';
  const streams = new Set<string>(connector.manifest.streams);
  const pages = await fullRead(id, connector, fixture);
  pages.forEach((page, p) => {
    if (!page || typeof page !== 'object')
      throw new ConformanceError(id, `page ${p} is ${JSON.stringify(page)}, not a page object`);
    if (page.items !== undefined && !Array.isArray(page.items))
      throw new ConformanceError(id, `page ${p}: items is not an array`);
    if (
      page.deletes !== undefined &&
      (!Array.isArray(page.deletes) || page.deletes.some((d) => typeof d !== 'string' || d === ''))
    ) {
      throw new ConformanceError(id, `page ${p}: deletes must be an array of non-empty external ids`);
    }
    const seen = new Set<string>();
    (page.items ?? []).forEach((item, i) => {
      const where = `page ${p} item ${i}${typeof item?.externalId === 'string' ? ` (${JSON.stringify(item.externalId)})` : ''}`;
      const parsed = ItemSchema.safeParse(item);
      if (!parsed.success)
        throw new ConformanceError(id, `${where} is invalid: ${formatIssues(zodIssues(parsed.error.issues, 'item'))}`);
      if (!streams.has(parsed.data.stream)) {
        throw new ConformanceError(
          id,
          `${where} names stream "${parsed.data.stream}", not declared in manifest.streams (${[...streams].join(', ')})`,
        );
      }
      if (seen.has(parsed.data.externalId))
        throw new ConformanceError(id, `${where}: external id yielded twice in the same page`);
      seen.add(parsed.data.externalId);
    });
  });
};

export const readCheckpointSerializable: RequirementCheck = async (connector, fixture) => {
  const id = 'read:checkpoint-serializable';
  const pages = await fullRead(id, connector, fixture);
  if (pages.length === 0)
    throw new ConformanceError(id, 'the full read yielded no pages; the fixture upstream must hold at least one item');
  pages.forEach((page, p) => {
    const cp = page.checkpoint;
    if (cp === null || typeof cp !== 'object' || Array.isArray(cp))
      throw new ConformanceError(id, `page ${p}: checkpoint must be an object, got ${JSON.stringify(cp)}`);
    let copy: unknown;
    try {
      copy = JSON.parse(JSON.stringify(cp)) as unknown;
    } catch (err) {
      throw new ConformanceError(id, `page ${p}: checkpoint is not JSON-serializable: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (!isDeepStrictEqual(copy, cp)) {
      throw new ConformanceError(
        id,
        `page ${p}: checkpoint changes in a JSON round trip (Dates, undefined, Maps, class instances?): ${JSON.stringify(copy)}`,
      );
    }
    const parsed = connector.manifest.checkpoint.safeParse(copy);
    if (!parsed.success) {
      throw new ConformanceError(
        id,
        `page ${p}: checkpoint does not parse with manifest.checkpoint: ${formatIssues(zodIssues(parsed.error.issues, 'checkpoint'))}`,
      );
    }
  });
};

export const readDeterministic: RequirementCheck = async (connector, fixture) => {
  const id = 'read:deterministic';
  const first = stateOf(await fullRead(id, connector, fixture, 'first full read'));
  const second = stateOf(await fullRead(id, connector, fixture, 'second full read'));
  const diff = diffStates(first, second);
  if (!isSameState(diff))
    throw new ConformanceError(
      id,
      `two full reads of the same upstream differ (second vs first): ${describeDiff(diff)}`,
    );
  if (first.size === 0)
    throw new ConformanceError(id, 'the full read yielded no items; the fixture upstream must hold some');
};
