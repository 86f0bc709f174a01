import { Cron } from 'croner';
import { TributaryError } from '@tributary/sdk/errors';

const cache = new Map<string, Cron>();

function compile(expression: string, timezone: string): Cron {
  const key = `${timezone}\u0000${expression}`;
  let cron = cache.get(key);
  if (!cron) {
    try {
      // `paused`: we only ask croner for dates; the scheduler loop decides when to act.
      cron = new Cron(expression, { paused: true, timezone });
    } catch (err) {
      throw new TributaryError('invalid_config', `Invalid cron expression "${expression}": ${(err as Error).message}`, {
        cause: err,
      });
    }
    cache.set(key, cron);
  }
  return cron;
}

/**
 * The first time the cron expression (5 or 6 fields, croner syntax) fires strictly after `afterMs`.
 * @throws TributaryError `invalid_config` for a bad expression
 */
export function nextCronTime(expression: string, afterMs: number, timezone = 'UTC'): number | null {
  const next = compile(expression, timezone).nextRun(new Date(afterMs));
  return next ? next.getTime() : null;
}

/** Checks a cron expression (for the API's source validation). @throws TributaryError `invalid_config` */
export function validateCron(expression: string, timezone = 'UTC'): void {
  compile(expression, timezone);
}
