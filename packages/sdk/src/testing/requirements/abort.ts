import { isTributaryError } from '../../errors.js';
import type { Page } from '../../item.js';
import { createTestContext } from '../context.js';
import { ConformanceError, describeError, fixtureContextOptions, fullRead, type RequirementCheck } from './shared.js';

const id = 'abort:prompt';

/** How long a read may take to notice the abort before the check gives up (a guard, not a wait). */
const GUARD_MS = 20_000;

const isAbort = (err: unknown): boolean =>
  (err instanceof Error && err.name === 'AbortError') || (isTributaryError(err) && err.code === 'aborted');

function guarded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConformanceError(id, `${what} did not settle within ${GUARD_MS} ms after the abort`)),
      GUARD_MS,
    );
    timer.unref?.();
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/**
 * Pulls from an aborted read: it must end (done, or an abort error) after at most `allowed` more pages.
 * Returns the pages it yielded.
 */
async function drainAfterAbort(it: AsyncIterator<Page>, allowed: number, when: string): Promise<Page[]> {
  const extra: Page[] = [];
  try {
    for (;;) {
      const next = await guarded(it.next(), `the read ${when}`);
      if (next.done) return extra;
      extra.push(next.value);
      if (extra.length > allowed) {
        throw new ConformanceError(
          id,
          `the read ${when} kept yielding: ${extra.length} page(s) after the abort (at most ${allowed} allowed)`,
        );
      }
    }
  } catch (err) {
    if (err instanceof ConformanceError) {
      await Promise.resolve(it.return?.()).catch(() => undefined);
      throw err;
    }
    if (isAbort(err)) return extra;
    throw new ConformanceError(
      id,
      `the read ${when} ended with ${describeError(err)} instead of an AbortError or TributaryError 'aborted'`,
      { cause: err },
    );
  }
}

export const abortPrompt: RequirementCheck = async (connector, fixture) => {
  const pages = await fullRead(id, connector, fixture);

  if (pages.length > 1) {
    const controller = new AbortController();
    const ctx = createTestContext(connector, fixtureContextOptions(fixture, { signal: controller.signal }));
    const it = connector.read(ctx)[Symbol.asyncIterator]();
    let first: IteratorResult<Page>;
    try {
      first = await it.next();
    } catch (err) {
      throw new ConformanceError(id, `reading the first page failed: ${describeError(err)}`, { cause: err });
    }
    if (first.done)
      throw new ConformanceError(id, 'a full read yielded no page this time, though the previous one did');
    controller.abort();
    await drainAfterAbort(it, 1, 'aborted after its first page');
    return;
  }

  // One page only: aborting after it proves nothing, so abort before reading and expect no items.
  const controller = new AbortController();
  controller.abort();
  const ctx = createTestContext(connector, fixtureContextOptions(fixture, { signal: controller.signal }));
  const it = connector.read(ctx)[Symbol.asyncIterator]();
  const yielded = await drainAfterAbort(it, 1, 'started with an aborted signal');
  const items = yielded.reduce((n, p) => n + (p.items?.length ?? 0), 0);
  if (items > 0)
    throw new ConformanceError(
      id,
      `the read started with an aborted signal yielded ${items} item(s); it must stop before reading`,
    );
};
