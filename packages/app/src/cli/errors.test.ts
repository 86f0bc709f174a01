import { describe, expect, it } from 'vitest';
import { ERROR_CODES, TributaryError } from '@tributary/sdk';
import { ERROR_TABLE, EXIT, describeFailure, failureJson, formatFailure } from './errors.js';

describe('the error table', () => {
  it('maps every error code, usage errors to 2 and the rest to 1', () => {
    expect(Object.keys(ERROR_TABLE).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    const usage = Object.entries(ERROR_TABLE)
      .filter(([, row]) => row.exit === EXIT.usage)
      .map(([code]) => code)
      .sort();
    expect(usage).toEqual(['invalid_config', 'invalid_input', 'invalid_query', 'not_found', 'path_outside_root']);
    for (const row of Object.values(ERROR_TABLE)) expect([EXIT.usage, EXIT.failure]).toContain(row.exit);
  });

  it('describes a TributaryError with its hint and issues', () => {
    const f = describeFailure(
      new TributaryError('invalid_config', 'bad', {
        issues: [
          { path: 'config.a', message: 'Required' },
          { path: 'config.b', message: 'Nope' },
        ],
      }),
    );
    expect(f.exitCode).toBe(2);
    expect(formatFailure(f)).toBe(
      `error: bad\n  - config.a: Required\n  - config.b: Nope\nhint: ${ERROR_TABLE.invalid_config.hint}`,
    );
    expect(failureJson(f)).toEqual({ error: { code: 'invalid_config', message: 'bad', issues: f.issues } });
  });

  it('maps unknown errors to internal (exit 1)', () => {
    const f = describeFailure(new Error('boom'));
    expect(f).toMatchObject({ code: 'internal', exitCode: 1, message: 'boom' });
  });
});
