import { decodeXML } from 'entities';
import { unzipSync } from 'fflate';
import { UnreadableFile } from '../files/extract.js';

/**
 * Text of XLSX workbooks and PPTX decks (Office Open XML, ECMA-376), read from their parts with fflate: no
 * rendering, no formulas evaluated — cell values as stored (shared strings, inline strings, numbers) and slide text
 * runs. The `files` extractors do PDF, DOCX, HTML, text and code; these two formats are only met in OneDrive here.
 */
export type OfficeKind = 'xlsx' | 'pptx';

export function officeKindOf(name: string): OfficeKind | undefined {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'xlsx' || ext === 'pptx' ? ext : undefined;
}

const MAX_UNZIPPED = 64 * 1024 * 1024;

function parts(buf: Buffer, want: (name: string) => boolean): Map<string, string> {
  let files: Record<string, Uint8Array>;
  let total = 0;
  try {
    files = unzipSync(buf, {
      filter: (f) => {
        if (!want(f.name)) return false;
        // A zip bomb stops here: the declared sizes of the parts read are bounded.
        total += f.originalSize;
        if (total > MAX_UNZIPPED) throw new UnreadableFile('expands past 64 MB');
        return true;
      },
    });
  } catch (err) {
    if (err instanceof UnreadableFile) throw err;
    throw new UnreadableFile(`not a readable Office file (${(err as Error).message})`);
  }
  const out = new Map<string, string>();
  for (const [name, bytes] of Object.entries(files)) out.set(name, Buffer.from(bytes).toString('utf8'));
  return out;
}

const byNumber = (a: string, b: string): number =>
  Number(/(\d+)\.xml$/.exec(a)?.[1]) - Number(/(\d+)\.xml$/.exec(b)?.[1]);
const texts = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => decodeXML(m[1]!));

/** Sheets in order, one line per row, cells separated by tabs. */
function xlsxText(buf: Buffer): string {
  const p = parts(buf, (n) => n === 'xl/sharedStrings.xml' || /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
  const shared = [...(p.get('xl/sharedStrings.xml') ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    texts(m[1]!, 't').join(''),
  );
  const sheets = [...p.keys()].filter((n) => n.startsWith('xl/worksheets/')).sort(byNumber);
  if (!sheets.length) throw new UnreadableFile('not a readable XLSX (no worksheets)');
  const out: string[] = [];
  for (const name of sheets) {
    for (const row of p.get(name)!.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)) {
      const cells: string[] = [];
      for (const c of row[1]!.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const type = /\bt="([^"]+)"/.exec(c[1]!)?.[1];
        const body = c[2] ?? '';
        if (type === 'inlineStr') cells.push(texts(body, 't').join(''));
        else {
          const v = /<v>([^<]*)<\/v>/.exec(body)?.[1];
          if (v === undefined) continue;
          cells.push(type === 's' ? (shared[Number(v)] ?? '') : decodeXML(v));
        }
      }
      if (cells.some((c) => c !== '')) out.push(cells.join('\t'));
    }
  }
  return out.join('\n');
}

/** Slides in order, one paragraph per line, a blank line between slides. */
function pptxText(buf: Buffer): string {
  const p = parts(buf, (n) => /^ppt\/slides\/slide\d+\.xml$/.test(n));
  if (!p.size) throw new UnreadableFile('not a readable PPTX (no slides)');
  return [...p.keys()]
    .sort(byNumber)
    .map((name) =>
      [...p.get(name)!.matchAll(/<a:p>([\s\S]*?)<\/a:p>/g)]
        .map((m) => texts(m[1]!, 'a:t').join(''))
        .filter((l) => l.trim() !== '')
        .join('\n'),
    )
    .filter((s) => s !== '')
    .join('\n\n');
}

export function officeText(buf: Buffer, kind: OfficeKind): string {
  return kind === 'xlsx' ? xlsxText(buf) : pptxText(buf);
}
