import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The document extractors are CommonJS: NODE_DEBUG=module logs each load, so a fresh process shows what came in.
const EXTRACTORS = /node_modules\/(mammoth|jszip|turndown)\//;
const parse = fileURLToPath(new URL('./parse.ts', import.meta.url));

function parseInFreshProcess(withDocx: boolean): { loaded: string[]; out: string } {
  const docx = withDocx
    ? [
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Body.',
        '--b',
        'Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name=a.docx',
        'Content-Transfer-Encoding: base64',
        '',
        'UEsDBAo=',
        '--b--',
      ]
    : ['', 'Body.'];
  const raw = ['Message-ID: <a@b>', 'Subject: s', 'MIME-Version: 1.0', ...docx, ''].join('\r\n');
  const script = `const { parseMail } = await import(${JSON.stringify(parse)});
const m = await parseMail(new TextEncoder().encode(${JSON.stringify(raw)}), { attachmentText: true });
console.log(m.text + '|' + m.attachments.length);`;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      env: { ...process.env, NODE_DEBUG: 'module' },
    },
  );
  expect(r.status, r.stderr.slice(-800)).toBe(0);
  return { loaded: r.stderr.split('\n').filter((l) => EXTRACTORS.test(l)), out: r.stdout.trim() };
}

describe('mail parser start-up', () => {
  it('loads the document extractors only when an attachment needs one', () => {
    const plain = parseInFreshProcess(false);
    expect(plain.out).toBe('Body.|0');
    expect(plain.loaded.slice(0, 3)).toEqual([]);
    // The same process with a DOCX attachment and attachment text on does load them (the test sees a load).
    const withDocx = parseInFreshProcess(true);
    expect(withDocx.out).toBe('Body.|1');
    expect(withDocx.loaded.length).toBeGreaterThan(0);
  }, 60_000);
});
