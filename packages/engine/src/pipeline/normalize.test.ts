import { describe, expect, it } from 'vitest';
import { normalizeContent } from './normalize.js';

describe('normalizeContent', () => {
  it('turns HTML into text (html-to-text, loaded on first use): links kept, images dropped', () => {
    const out = normalizeContent(
      '<p>Hello <b>world</b></p><p><a href="https://example.org/x">the docs</a><img src="a.png"></p>',
      'html',
    );
    expect(out.contentType).toBe('text');
    expect(out.content).toContain('Hello world');
    expect(out.content).toContain('the docs [https://example.org/x]');
    expect(out.content).not.toContain('a.png');
  });

  it('leaves plain text as text', () => {
    expect(normalizeContent('plain\r\nline  ', 'text')).toEqual({ content: 'plain\nline', contentType: 'text' });
  });
});
