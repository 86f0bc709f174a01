import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A consumer name unique per worker process and start: `hostname-pid-random`. */
export function defaultConsumerName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
