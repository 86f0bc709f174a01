import { describe, expect, it } from 'vitest';
import { ItemSchema } from '@tributary/sdk';
import { parseLogRecord, toItem, webCommitBase } from './map.js';

const sha = 'a'.repeat(40);
const parent = 'b'.repeat(40);
const record = (message: string, numstat = ''): string =>
  [
    sha,
    parent,
    'Ada',
    'ada@example.com',
    '2024-03-01T10:00:00+01:00',
    'Bob',
    'bob@example.com',
    '2024-03-02T10:00:00+01:00',
    message,
  ].join('\x1f') +
  '\x1f\n' +
  numstat;

describe('parseLogRecord', () => {
  it('parses fields, the full message and numstat lines (binary files without counts)', () => {
    const c = parseLogRecord(record('Subject\n\nBody\n', '\n3\t1\tsrc/a.ts\n-\t-\timg.png\n'))!;
    expect(c).toMatchObject({
      sha,
      parents: [parent],
      authorName: 'Ada',
      committerEmail: 'bob@example.com',
      message: 'Subject\n\nBody',
    });
    expect(c.files).toEqual([
      { path: 'src/a.ts', insertions: 3, deletions: 1 },
      { path: 'img.png', insertions: null, deletions: null },
    ]);
  });

  it('keeps a message that contains the field separator', () => {
    expect(parseLogRecord(record('odd \x1f message'))!.message).toBe('odd \x1f message');
  });

  it('rejects a record that is not a commit', () => {
    expect(parseLogRecord('garbage')).toBeUndefined();
    expect(parseLogRecord(record('x').replace(sha, 'zz'))).toBeUndefined();
  });
});

describe('toItem', () => {
  it('maps a commit to a valid item', () => {
    const c = parseLogRecord(record('Fix the thing\n\nLonger text', '2\t0\tREADME.md\n'))!;
    const item = toItem(c, {
      repoName: 'widgets',
      webBase: 'https://github.com/acme/widgets/commit/',
      branches: ['main'],
    });
    expect(ItemSchema.parse(item)).toMatchObject({
      externalId: sha,
      stream: 'commits',
      title: 'Fix the thing',
      author: 'Ada <ada@example.com>',
      occurredAt: '2024-03-01T10:00:00+01:00',
      container: 'widgets',
      url: `https://github.com/acme/widgets/commit/${sha}`,
    });
    expect(item.content).toBe('Fix the thing\n\nLonger text\n\nFiles changed:\nREADME.md (+2 -0)');
    expect(item.metadata).toMatchObject({
      committer: 'Bob <bob@example.com>',
      insertions: 2,
      deletions: 0,
      merge: false,
      branches: ['main'],
    });
  });
});

describe('webCommitBase', () => {
  it('derives forge commit URLs and drops credentials', () => {
    expect(webCommitBase('git@github.com:acme/app.git')).toBe('https://github.com/acme/app/commit/');
    expect(webCommitBase('https://user:s3cret@github.com/acme/app.git')).toBe('https://github.com/acme/app/commit/');
    expect(webCommitBase('ssh://git@gitlab.com/group/sub/app.git')).toBe('https://gitlab.com/group/sub/app/commit/');
    expect(webCommitBase('https://bitbucket.org/team/app')).toBe('https://bitbucket.org/team/app/commits/');
  });

  it('gives nothing for unknown hosts and local paths', () => {
    expect(webCommitBase('/srv/git/app.git')).toBeUndefined();
    expect(webCommitBase('https://git.internal.example/app.git')).toBeUndefined();
  });
});
