import { describe, expect, it } from 'vitest';
import { dailyNoteDate, frontmatterDate } from './map.js';
import { createLinkResolver, parseNote } from './parse.js';

describe('parseNote', () => {
  it('reads links with headings and aliases, and embeds, outside code only', () => {
    const n = parseNote(
      'See [[Projects/Alpha#Goals|the goals]] and [[#Local]].\n![[diagram.png]] ![[Beta^block1]]\n`[[inline]]`\n~~~\n[[fenced]]\n~~~\n',
    );
    expect(n.links).toEqual([
      { target: 'Projects/Alpha', heading: 'Goals', alias: 'the goals' },
      { target: '', heading: 'Local' },
    ]);
    expect(n.embeds).toEqual([{ target: 'diagram.png' }, { target: 'Beta', heading: 'block1' }]);
  });

  it('keeps a note with broken front matter, reporting the error', () => {
    const n = parseNote('---\ntitle: [unclosed\n---\nBody text\n');
    expect(n.frontmatterError).toBeTruthy();
    expect(n.body).toContain('Body text');
  });

  it('takes tags from a front-matter string and nested body tags', () => {
    expect(parseNote('---\ntags: alpha, beta\n---\n#area/sub text #beta\n').tags).toEqual([
      'alpha',
      'beta',
      'area/sub',
    ]);
  });
});

describe('createLinkResolver', () => {
  const resolve = createLinkResolver([
    'Alpha.md',
    'deep/nested/Alpha.md',
    'work/Alpha.md',
    'work/Plan.md',
    'Projects/Beta.md',
  ]);
  it('prefers the linking note’s folder, then the shortest path; paths resolve from the root', () => {
    expect(resolve('Alpha', 'work/Plan.md')).toBe('work/Alpha.md');
    expect(resolve('alpha', 'deep/other.md')).toBe('Alpha.md');
    expect(resolve('Projects/Beta', 'x.md')).toBe('Projects/Beta.md');
    expect(resolve('Projects/Beta.md', 'x.md')).toBe('Projects/Beta.md');
    expect(resolve('Missing', 'x.md')).toBeUndefined();
  });
});

describe('dates', () => {
  it('takes valid dates from daily-note names only', () => {
    expect(dailyNoteDate('2024-01-31.md')).toBe('2024-01-31T00:00:00.000Z');
    expect(dailyNoteDate('2024-01-31 meeting.md')).toBe('2024-01-31T00:00:00.000Z');
    expect(dailyNoteDate('2024-02-30.md')).toBeUndefined();
    expect(dailyNoteDate('notes 2024-01-31.md')).toBeUndefined();
    expect(frontmatterDate({ date: '2022-03-04T05:06:07Z' })).toBe('2022-03-04T05:06:07.000Z');
    expect(frontmatterDate({ date: 'someday' })).toBeUndefined();
  });
});
