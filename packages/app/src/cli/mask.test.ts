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
});
