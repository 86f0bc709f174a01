import { strToU8, zipSync } from 'fflate';

/** A minimal valid one-page PDF showing `lines` in Helvetica (hand-written objects, exact xref offsets). */
export function makePdf(lines: string[], title?: string): Buffer {
  const esc = (s: string): string => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content =
    'BT /F1 12 Tf 72 720 Td ' + lines.map((l, i) => (i ? '0 -16 Td ' : '') + `(${esc(l)}) Tj`).join(' ') + ' ET';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Title (${esc(title ?? '')}) >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out +=
    `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R${title ? ' /Info 6 0 R' : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A minimal valid DOCX (OOXML zip) with one paragraph per entry of `paragraphs`. */
export function makeDocx(paragraphs: string[]): Buffer {
  const xmlEsc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const files = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    'word/document.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
        paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${xmlEsc(p)}</w:t></w:r></w:p>`).join('') +
        '</w:body></w:document>',
    ),
  };
  return Buffer.from(zipSync(files));
}

/** A folder's worth of documents of every supported kind (and one binary file), by relative path. */
export function sampleFiles(): Record<string, string | Buffer> {
  return {
    'notes/readme.txt': 'Plain text about lighthouses.\n',
    'notes/plan.md': '# Plan\n\n## Goals\n\nShip the harbour map.\n',
    'src/main.ts': 'export const answer = 42; // calculator\n',
    'src/tool.py': 'def greet():\n    return "hello pelican"\n',
    'web/page.html':
      '<html><head><title>Harbour &amp; Sea</title><style>p{}</style></head><body><h1>Tides</h1><p>The <b>spring</b> tide.</p><script>alert(1)</script></body></html>',
    'docs/report.pdf': makePdf(['Quarterly report on seagulls', 'Second page line'], 'Seagull Report'),
    'docs/letter.docx': makeDocx(['Dear committee,', 'the albatross budget is approved.']),
    'images/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    Makefile: 'all:\n\techo build\n',
  };
}
