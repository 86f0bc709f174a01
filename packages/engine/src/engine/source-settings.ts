import { canonicalConfig, TributaryError, unknownConfigKeys, type AnyConnector } from '@tributary/sdk';
import type { Schedule } from '../store/types.js';

/** Longest display name of a source. */
export const SOURCE_NAME_MAX = 200;

/**
 * A source's display name is free text ("Work Slack"): 1–200 characters, no control characters, no leading or
 * trailing space (a name is typed again on the command line). The id is the restricted, stable handle.
 * @throws TributaryError `invalid_config`
 */
export function validateSourceName(name: string): void {
  const problem =
    typeof name !== 'string' || name.trim().length === 0
      ? 'must not be empty'
      : name.length > SOURCE_NAME_MAX
        ? `must be at most ${SOURCE_NAME_MAX} characters`
        : name !== name.trim()
          ? 'must not start or end with a space'
          : /[\u0000-\u001f\u007f]/.test(name)
            ? 'must not contain control characters (newlines, tabs)'
            : undefined;
  if (problem) {
    throw new TributaryError('invalid_config', `Invalid source name: it ${problem}.`, {
      issues: [{ path: 'name', message: problem }],
    });
  }
}

/**
 * The seed's config files put the sync interval inside the connector's config (`config.sync.interval_minutes`); it is
 * a setting of the source, not of the connector, so it becomes the source's schedule — unless the connector itself
 * declares `sync.intervalMinutes`. Returns the config (canonical keys, without that key) and the schedule it implies.
 * @throws TributaryError `invalid_config` when the value is not a positive whole number, or contradicts `schedule`
 */
export function splitSourceSettings(
  connector: AnyConnector,
  raw: Record<string, unknown>,
  schedule: Schedule | null | undefined,
): { config: Record<string, unknown>; schedule: Schedule | null | undefined } {
  const config = canonicalConfig(connector, raw);
  const sync = config.sync;
  if (typeof sync !== 'object' || sync === null || Array.isArray(sync)) return { config, schedule };
  const key = ['interval_minutes', 'intervalMinutes'].find((k) => Object.hasOwn(sync, k));
  if (!key || unknownConfigKeys(connector.manifest.config, { sync: { intervalMinutes: 1 } }).length === 0)
    return { config, schedule };
  const minutes = (sync as Record<string, unknown>)[key];
  const path = `config.sync.${key}`;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes <= 0) {
    throw new TributaryError('invalid_config', `${path} must be a positive whole number of minutes.`, {
      issues: [{ path, message: 'expected a positive integer' }],
    });
  }
  if (schedule && (schedule.cron !== undefined || schedule.intervalMinutes !== minutes)) {
    throw new TributaryError(
      'invalid_config',
      `${path} (${minutes}) and schedule say different things: give the interval in one place.`,
      { issues: [{ path, message: 'contradicts schedule' }] },
    );
  }
  const { [key]: _lifted, ...rest } = sync as Record<string, unknown>;
  const next = { ...config };
  if (Object.keys(rest).length > 0) next.sync = rest;
  else delete next.sync;
  return { config: next, schedule: { intervalMinutes: minutes } };
}
