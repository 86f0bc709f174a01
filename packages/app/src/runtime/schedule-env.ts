import { TributaryError } from '@tributary/sdk';

/** Unset or empty: sources without a schedule are manual (only the operator opts into a default interval). */
export function defaultInterval(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 525_600)
    throw new TributaryError(
      'invalid_config',
      `TRIBUTARY_DEFAULT_INTERVAL_MINUTES="${raw}": use a whole number of minutes from 1 to 525600, or leave it unset for manual sources.`,
      { issues: [{ path: 'TRIBUTARY_DEFAULT_INTERVAL_MINUTES', message: 'invalid interval' }] },
    );
  return n;
}
