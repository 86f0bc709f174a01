import type { DeadLetter, JobQueue, SourceRecord } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';

/**
 * Dead letters as users see them (`tributary jobs …`, `/api/v1/jobs/dead…`): one place that scopes them to a
 * user, names their source, and retries or discards them, so the CLI and the API cannot drift apart.
 */

/** A dead job as listed: what failed, for which source, how often, and the last error. */
export interface DeadJobView {
  id: string;
  type: string;
  sourceId: string;
  /** The source's name, or null when the source was removed since. */
  sourceName: string | null;
  userId: string;
  attempts: number;
  enqueuedAt: string;
  failedAt: string;
  error: string;
}

/** Who asks: an admin sees every dead job; anyone else only the jobs of their own sources. */
export interface DeadLetterScope {
  userId: string;
  isAdmin: boolean;
}

/** What the operations need: the queue and a way to look up sources (the engine's store). */
export interface DeadLetterDeps {
  queue: Pick<JobQueue, 'listDeadLetters' | 'requeueDeadLetter' | 'discardDeadLetter'>;
  sources: { getSource(id: string): Promise<SourceRecord | null> };
}

/** The most dead letters one call looks at (the queue keeps them oldest first). */
export const DEAD_LETTER_SCAN = 10_000;

async function visible(deps: DeadLetterDeps, scope: DeadLetterScope): Promise<DeadJobView[]> {
  const letters = await deps.queue.listDeadLetters({ limit: DEAD_LETTER_SCAN });
  const names = new Map<string, SourceRecord | null>();
  const out: DeadJobView[] = [];
  for (const letter of letters) {
    const sourceId = letter.job.payload.sourceId;
    if (!names.has(sourceId)) names.set(sourceId, await deps.sources.getSource(sourceId));
    const source = names.get(sourceId) ?? null;
    // Ownership comes from the source (the job's userId is what it was when enqueued); a job of a removed source
    // belongs to the user named in the job.
    const owner = source?.ownerId ?? letter.job.payload.userId;
    if (!scope.isAdmin && owner !== scope.userId) continue;
    out.push(view(letter, source, owner));
  }
  return out;
}

function view(letter: DeadLetter, source: SourceRecord | null, owner: string): DeadJobView {
  return {
    id: letter.job.id,
    type: letter.job.type,
    sourceId: letter.job.payload.sourceId,
    sourceName: source?.name ?? null,
    userId: owner,
    attempts: letter.job.attempts,
    enqueuedAt: letter.job.enqueuedAt,
    failedAt: letter.failedAt,
    error: letter.error,
  };
}

/** Dead jobs the caller may see, oldest first; `sourceId` narrows to one source. */
export async function listDeadJobs(
  deps: DeadLetterDeps,
  scope: DeadLetterScope,
  filter: { sourceId?: string; limit?: number } = {},
): Promise<DeadJobView[]> {
  const all = await visible(deps, scope);
  const mine = filter.sourceId ? all.filter((j) => j.sourceId === filter.sourceId) : all;
  return mine.slice(0, filter.limit ?? mine.length);
}

/** The newest dead job of a source (its error is what the source shows), or null. */
export async function lastDeadJob(
  deps: DeadLetterDeps,
  scope: DeadLetterScope,
  sourceId: string,
): Promise<DeadJobView | null> {
  const jobs = await listDeadJobs(deps, scope, { sourceId });
  return jobs.at(-1) ?? null;
}

export type DeadLetterAction = 'retry' | 'discard';

/**
 * Retries (back to the queue with fresh attempts) or discards one dead job.
 * @throws `not_found` when there is no such dead job the caller may see (another user's job is not_found too, so
 * the answer does not confirm it exists)
 */
export async function actOnDeadJob(
  deps: DeadLetterDeps,
  scope: DeadLetterScope,
  id: string,
  action: DeadLetterAction,
): Promise<DeadJobView> {
  const job = (await visible(deps, scope)).find((j) => j.id === id);
  const done =
    job !== undefined &&
    (action === 'retry' ? await deps.queue.requeueDeadLetter(id) : await deps.queue.discardDeadLetter(id));
  if (!job || !done)
    throw new TributaryError('not_found', `No dead job "${id}". List them with: tributary jobs dead`, {
      issues: [{ path: 'id', message: 'no such dead job' }],
    });
  return job;
}

/** Retries or discards every dead job the caller may see (optionally of one source). Returns those acted on. */
export async function actOnAllDeadJobs(
  deps: DeadLetterDeps,
  scope: DeadLetterScope,
  action: DeadLetterAction,
  filter: { sourceId?: string } = {},
): Promise<DeadJobView[]> {
  const done: DeadJobView[] = [];
  for (const job of await listDeadJobs(deps, scope, filter)) {
    // Another process may have acted on it meanwhile: skip it rather than fail the whole batch.
    const ok =
      action === 'retry' ? await deps.queue.requeueDeadLetter(job.id) : await deps.queue.discardDeadLetter(job.id);
    if (ok) done.push(job);
  }
  return done;
}
