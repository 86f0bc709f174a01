import { describe, expect, it } from 'vitest';
import { jsonErrorText } from './json-error.js';

const failure = (text: string): unknown => {
  try {
    JSON.parse(text);
  } catch (err) {
    return err;
  }
  throw new Error('parsed');
};

describe('jsonErrorText', () => {
  it('never quotes the input, whatever V8 says', () => {
    for (const text of [
      'supersecret-key-material',
      '{"a": supersecret}',
      '{"k": "supersecret"',
      '[1, 2] supersecret',
    ]) {
      const raw = (failure(text) as Error).message;
      const safe = jsonErrorText(failure(text));
      expect(safe).not.toContain('supersecret');
      expect(safe).toMatch(/JSON/);
      expect(raw.length).toBeGreaterThan(0);
    }
    expect(jsonErrorText(failure(''))).toBe('the JSON ends early');
    expect(jsonErrorText(failure('{"a": 1'))).toBe('invalid JSON at position 7');
  });
});
