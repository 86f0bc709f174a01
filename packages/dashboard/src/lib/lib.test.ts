import { describe, expect, it } from 'vitest';
import { diffLines, withContext } from './diff.js';
import { highlightParts } from './format.js';
import { buildConfig, fieldsOf, initialValues, issuesByField, MASK, pickerField, storedSecrets } from './schema.js';

describe('diffLines', () => {
  it('marks an added and a removed line, keeping the rest', () => {
    const d = diffLines('a\nb\nc\nd', 'a\nc\nd\ne');
    expect(d).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: ' ', text: 'c' },
      { op: ' ', text: 'd' },
      { op: '+', text: 'e' },
    ]);
  });

  it('shows a changed line as removed then added, and folds long unchanged runs', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const shown = withContext(diffLines(before, after), 1);
    expect(shown.map((l) => `${l.op}${l.text}`)).toEqual([
      '…9 unchanged lines',
      ' line 9',
      '-line 10',
      '+line ten',
      ' line 11',
      '…8 unchanged lines',
    ]);
  });
});

describe('the generated form', () => {
  // What z.toJSONSchema writes for a connector config (io: input): defaults, enums, arrays, a secret, an object.
  const schema = {
    type: 'object',
    properties: {
      vaultPath: { type: 'string', minLength: 1, description: 'The vault folder.' },
      pageSize: { type: 'integer', minimum: 1, maximum: 2000, default: 200 },
      kind: { type: 'string', enum: ['chat', 'documents'], default: 'chat' },
      ignore: { type: 'array', items: { type: 'string' }, default: [] },
      token: { type: 'string', secret: true, writeOnly: true },
      requireVault: { type: 'boolean', default: true },
      channels: { type: 'object', properties: { list: { type: 'array', items: { type: 'string' } } } },
    },
    required: ['vaultPath', 'token'],
  };
  const fields = fieldsOf(schema);

  it('reads kinds, required marks, defaults and nesting from the JSON Schema', () => {
    expect(fields.map((f) => [f.path, f.kind, f.required])).toEqual([
      ['vaultPath', 'text', true],
      ['pageSize', 'integer', false],
      ['kind', 'enum', false],
      ['ignore', 'list', false],
      ['token', 'secret', true],
      ['requireVault', 'boolean', false],
      ['channels', 'object', false],
    ]);
    expect(fields[1]).toMatchObject({ label: 'Page size', default: 200, min: 1, max: 2000 });
    expect(fields[6]!.children![0]).toMatchObject({ path: 'channels.list', kind: 'list' });
  });

  it('never fills a secret back, and keeps a stored one by sending the mask', () => {
    const stored = { vaultPath: '/v', token: MASK, ignore: ['a', 'b'] };
    const values = initialValues(fields, stored);
    expect(values.token).toBe('');
    expect(values.ignore).toBe('a\nb');
    const keep = storedSecrets(fields, stored);
    expect(buildConfig(fields, values, keep)).toEqual({ vaultPath: '/v', token: MASK, ignore: ['a', 'b'] });
    expect(buildConfig(fields, { ...values, token: 'new-secret' }, keep).token).toBe('new-secret');
  });

  it('sends typed values, leaves empty optional ones to the default, and passes unreadable numbers through', () => {
    const values = { ...initialValues(fields), vaultPath: ' /notes ', pageSize: '50', requireVault: false };
    expect(buildConfig(fields, values)).toEqual({ vaultPath: '/notes', pageSize: 50, requireVault: false });
    expect(buildConfig(fields, { ...values, pageSize: 'lots' }).pageSize).toBe('lots');
  });

  it('puts API issues on their fields and finds the list a discovered resource fills', () => {
    expect(
      issuesByField([
        { path: 'config.pageSize', message: 'Too big' },
        { path: 'name', message: 'taken' },
      ]),
    ).toEqual({
      pageSize: 'Too big',
      name: 'taken',
    });
    expect(pickerField(fields, 'folder')?.path).toBe('ignore');
    expect(pickerField(fields, 'channel')?.path).toBe('channels.list');
    expect(pickerField(fields, 'calendar')).toBeUndefined();
  });
});

it('splits a snippet into plain text and « » highlighted matches', () => {
  expect(highlightParts('a «b» c «d»')).toEqual([
    { text: 'a ', hit: false },
    { text: 'b', hit: true },
    { text: ' c ', hit: false },
    { text: 'd', hit: true },
  ]);
});
