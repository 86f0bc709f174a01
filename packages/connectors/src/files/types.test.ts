import { describe, expect, it } from 'vitest';
import { htmlToMarkdown, looksBinary } from './extract.js';
import { fileTypeOf } from './types.js';

describe('fileTypeOf', () => {
  it('knows text, Markdown, code (with its language), HTML, PDF and DOCX by name', () => {
    expect(fileTypeOf('notes.TXT')).toEqual({ kind: 'text' });
    expect(fileTypeOf('README')).toEqual({ kind: 'text' });
    expect(fileTypeOf('a.markdown')).toEqual({ kind: 'markdown' });
    expect(fileTypeOf('x.rs')).toEqual({ kind: 'code', language: 'rust' });
    expect(fileTypeOf('Dockerfile')).toEqual({ kind: 'code', language: 'dockerfile' });
    expect(fileTypeOf('index.htm')).toEqual({ kind: 'html' });
    expect(fileTypeOf('r.PDF')).toEqual({ kind: 'pdf' });
    expect(fileTypeOf('w.docx')).toEqual({ kind: 'docx' });
  });

  it('gives nothing for binaries and unknown types', () => {
    for (const name of ['a.png', 'b.zip', 'c.exe', 'd.doc', 'noext', '.hidden'])
      expect(fileTypeOf(name), name).toBeUndefined();
  });
});

describe('extract helpers', () => {
  it('tells binary from text by NUL bytes', () => {
    expect(looksBinary(Buffer.from('plain ünïcode text'))).toBe(false);
    expect(looksBinary(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toBe(true);
  });

  it('converts HTML to Markdown with its title, without scripts', () => {
    const r = htmlToMarkdown('<title> A &lt;b&gt; </title><h2>Sub</h2><ul><li>one</li></ul><script>evil()</script>');
    expect(r.title).toBe('A <b>');
    expect(r.markdown).toContain('## Sub');
    expect(r.markdown).toContain('-   one');
    expect(r.markdown).not.toContain('evil');
  });
});
