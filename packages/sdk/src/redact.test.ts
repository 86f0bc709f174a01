import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from './logger.js';
import { createRedactor, REDACTED, redactValue } from './redact.js';

// Fake credentials with the real formats (never valid anywhere).
const GITHUB = `ghp_${'a1B2c3D4e5'.repeat(3)}AbCdEf`;
const SLACK = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp';
const KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('default redaction patterns', () => {
  const redact = createRedactor();

  it.each([
    ['a GitHub token', `clone with ${GITHUB} please`, GITHUB],
    ['a Slack token', `bot token: ${SLACK}`, SLACK],
    [
      'a private key',
      `key follows\n${KEY}\nthanks`,
      'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
    ],
    ['a password assignment', 'db url password=hunter2hunter2 host=db', 'hunter2hunter2'],
  ])('hides %s', (_what, text, secret) => {
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('keeps the key name of an assignment so the reader knows what was hidden', () => {
    expect(redact('password=hunter2hunter2')).toBe(`password=${REDACTED}`);
  });

  it('leaves ordinary prose intact, even prose about passwords and secrets', () => {
    const prose = [
      'The secret to good bread is patience.',
      'I reset my password yesterday; the password manager helped.',
      'Tokens in the lexer are split on whitespace (see ghp docs).',
      'Meeting at 10:30 with the access team about the API key rotation policy.',
    ];
    for (const text of prose) expect(redact(text)).toBe(text);
  });

  it('hides exact known values anywhere, ignoring values too short to be secrets', () => {
    const known = createRedactor(['correct-horse-battery', 'abc']);
    expect(known('my pass is correct-horse-battery!')).toBe(`my pass is ${REDACTED}!`);
    expect(known('abc is a word')).toBe('abc is a word');
  });
});

describe('redactValue', () => {
  it('hides secret-looking keys and patterns in nested values', () => {
    const out = redactValue({
      user: 'ana',
      apiKey: 'plain-looking',
      nested: [{ note: `use ${SLACK}` }],
      count: 3,
    }) as Record<string, unknown>;
    expect(out.user).toBe('ana');
    expect(out.apiKey).toBe(REDACTED);
    expect(JSON.stringify(out)).not.toContain(SLACK);
    expect(out.count).toBe(3);
  });
});

describe('createLogger', () => {
  it('never outputs a known secret value, in the message, fields, nested fields or errors', () => {
    const records: LogRecord[] = [];
    const secret = 'tok_live_9f8e7d6c5b4a';
    const logger = createLogger((r) => records.push(r), { secrets: [secret], level: 'debug' }).child({
      source: `src ${secret}`,
    });
    logger.info(`calling with ${secret}`, { url: `https://api.test/?q=${secret}`, deep: { deeper: [secret] } });
    logger.error('failed', { err: new Error(`401 for ${secret}`) });
    logger.debug('headers', { headers: { authorization: `Bearer ${secret}` } });
    expect(records).toHaveLength(3);
    expect(JSON.stringify(records)).not.toContain(secret);
    expect(records[0]!.message).toBe(`calling with ${REDACTED}`);
  });

  it('drops records below the level', () => {
    const records: LogRecord[] = [];
    const logger = createLogger((r) => records.push(r), { level: 'warn' });
    logger.info('noise');
    logger.warn('signal');
    expect(records.map((r) => r.message)).toEqual(['signal']);
  });
});
