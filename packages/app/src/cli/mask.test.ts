import { describe, expect, it } from 'vitest';
import { MASK, maskSecrets } from './mask.js';

describe('maskSecrets', () => {
  it('masks declared secret paths and secret-looking keys, nested too', () => {
    const out = maskSecrets(
      { rootDir: '/n', auth: { clientKey: 'k1', apiToken: 'tok' }, password: 'pw', note: 'plain', token: '' },
      ['auth.clientKey'],
    );
    expect(out).toEqual({
      rootDir: '/n',
      auth: { clientKey: MASK, apiToken: MASK },
      password: MASK,
      note: 'plain',
      token: '',
    });
  });

  it('shows values sealed at rest as the mask, wherever they are', () => {
    const sealed = { $sealed: 'v1.k-0123456789abcdef.aXY=.dGFn.Y3Q=' };
    const out = maskSecrets({ webhookSecret: sealed, nested: { other: sealed }, note: { $sealed: 1 } }, [
      'webhookSecret',
    ]);
    expect(out).toEqual({ webhookSecret: MASK, nested: { other: MASK }, note: { $sealed: 1 } });
    expect(JSON.stringify(out)).not.toContain('v1.k-');
  });

  it('masks a key one typo away from a secret field (stored before unknown keys were refused)', () => {
    const out = maskSecrets({ pssword: 'hunter2', clientScret: 's', host: 'h', port: 1 }, [
      'pssword'.replace('ss', 'ass'),
      'clientSecret',
    ]);
    expect(out).toEqual({ pssword: MASK, clientScret: MASK, host: 'h', port: 1 });
  });
});
