import { randomUUID } from 'node:crypto';
import { z, TributaryError, zodIssues, formatIssues } from '@tributary/sdk';
import type { EnqueueInput } from './types.js';

const enqueueSchema = z.object({
  type: z.string().regex(/^[a-z0-9][a-z0-9_-]*:sync$/, 'must be "<connector>:sync"'),
  payload: z.object({
    sourceId: z.string().min(1),
    userId: z.string().min(1),
    options: z
      .object({
        maxResults: z.number().int().positive().optional(),
        since: z.string().optional(),
        forceFullSync: z.boolean().optional(),
        trigger: z.enum(['manual', 'schedule', 'webhook', 'push', 'api']).optional(),
        hints: z.record(z.string(), z.unknown()).optional(),
      })
      .loose(),
  }),
  dedupKey: z.string().min(1).max(200).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  delayMs: z.number().int().min(0).optional(),
});

/**
 * Validates an enqueue request once, for every backend, so bad input fails with one clear error and nothing is
 * written.
 * @throws TributaryError `invalid_input` naming the field
 */
export function validateEnqueue(input: EnqueueInput): EnqueueInput {
  const parsed = enqueueSchema.safeParse(input);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error.issues);
    throw new TributaryError('invalid_input', `Invalid job: ${formatIssues(issues)}`, { issues });
  }
  return input;
}

/** A new job id (sortable enough for humans; ordering comes from the backend). */
export function newJobId(): string {
  return randomUUID();
}

/** The dead-letter / lastError text of a failure: `code: message`. */
export function failureText(failure: { message: string; code?: string }): string {
  return failure.code ? `${failure.code}: ${failure.message}` : failure.message;
}
