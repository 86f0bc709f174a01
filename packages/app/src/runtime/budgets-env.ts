import { TributaryError } from '@tributary/sdk';
import type { Budgets } from '@tributary/engine';

/** Environment variable → budget (docs/configuration.md lists them with their defaults). */
const VARS: Record<string, { key: keyof Budgets; bytes: boolean }> = {
  TRIBUTARY_BUDGET_RUN_ITEMS: { key: 'runItems', bytes: false },
  TRIBUTARY_BUDGET_RUN_BYTES: { key: 'runBytes', bytes: true },
  TRIBUTARY_BUDGET_SOURCE_ITEMS: { key: 'sourceItems', bytes: false },
  TRIBUTARY_BUDGET_SOURCE_BYTES: { key: 'sourceBytes', bytes: true },
  TRIBUTARY_BUDGET_USER_ITEMS: { key: 'userItems', bytes: false },
  TRIBUTARY_BUDGET_USER_BYTES: { key: 'userBytes', bytes: true },
  TRIBUTARY_DISK_RESERVE_BYTES: { key: 'diskReserveBytes', bytes: true },
  TRIBUTARY_DISK_RESERVE_PERCENT: { key: 'diskReservePercent', bytes: false },
};

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Budgets set in the environment (unset ones keep their defaults). Sizes take a unit: `500MB`, `5GiB`, `2tb`.
 * @throws TributaryError `invalid_config` naming the variable
 */
export function budgetsFromEnv(env: Record<string, string | undefined>): Partial<Budgets> {
  const out: Partial<Budgets> = {};
  for (const [name, { key, bytes }] of Object.entries(VARS)) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.replace(/_/g, ''));
    const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
    const value = m && unit !== undefined && (bytes || m[2] === '') ? Number(m[1]) * unit : NaN;
    const max = key === 'diskReservePercent' ? 100 : Number.MAX_SAFE_INTEGER;
    if (
      !Number.isFinite(value) ||
      value < 0 ||
      value > max ||
      (!bytes && key !== 'diskReservePercent' && !Number.isInteger(value))
    )
      throw new TributaryError(
        'invalid_config',
        `${name}="${raw}": use ${bytes ? 'a size such as 500MB or 5GiB' : key === 'diskReservePercent' ? 'a percentage from 0 to 100' : 'a whole number'}.`,
        { issues: [{ path: name, message: 'invalid budget' }] },
      );
    out[key] =
      Math.floor(value * (key === 'diskReservePercent' ? 1000 : 1)) / (key === 'diskReservePercent' ? 1000 : 1);
  }
  return out;
}
