import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMail } from './parse.js';
import { splitSimpleText } from './simple-body.js';
import { repoRoot, testdata } from './test-support/testdata.js';

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (!/\.(json|md)$/.test(name)) yield p;
  }
}

/** Real patch mails: the newest commits of this repository as `git format-patch` writes them. */
function patchMails(count: number): Buffer[] {
  const out = execFileSync('git', ['-C', repoRoot, 'format-patch', '--stdout', `-${count}`, 'HEAD'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .toString('latin1')
    .split(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\n/m)
    .filter((m) => m.length > 0)
    .map((m) => Buffer.from(m, 'latin1'));
}

describe('the fast path for single-part text mail', () => {
  it('parses every real message exactly as the full postal-mime parse does', async () => {
    const messages = [
      ...[...files(testdata('email/eml')), ...files(testdata('email/maildir'))].map((f) => readFileSync(f)),
      ...patchMails(40),
    ];
    let fast = 0;
    for (const raw of messages) {
      if (splitSimpleText(raw)) fast++;
      const viaFast = await parseMail(raw).catch((e: Error) => e.message);
      const viaFull = await parseMail(raw, { fullParse: true }).catch((e: Error) => e.message);
      expect(viaFast).toEqual(viaFull);
    }
    // The comparison means something only if many messages took the fast path, and some did not.
    expect(fast).toBeGreaterThanOrEqual(40);
    expect(fast).toBeLessThan(messages.length);
  });

  it('leaves anything that needs MIME decoding to the full parse', () => {
    const msg = (headers: string) => Buffer.from(`From: a@example.org\n${headers}\n\nbody\n`);
    expect(splitSimpleText(msg('Content-Type: text/plain; charset=utf-8'))?.text).toBe('body\n');
    expect(splitSimpleText(msg('Subject: no MIME headers at all'))?.text).toBe('body\n');
    for (const h of [
      'Content-Type: multipart/mixed; boundary=x',
      'Content-Type: text/html',
      'Content-Type: text/plain; format=flowed',
      'Content-Type: text/plain; charset=koi8-r',
      'Content-Transfer-Encoding: quoted-printable',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename=a.txt',
      'Content-Type: text/plain\nContent-Type: text/html',
    ])
      expect(splitSimpleText(msg(h)), h).toBeUndefined();
    expect(splitSimpleText(Buffer.from('From: a@example.org\nSubject: no body'))).toBeUndefined();
  });

  it('reads charsets from the header section only: a patch that quotes "charset=utf-7" keeps its text', async () => {
    const raw = Buffer.from(
      'Message-ID: <p@x>\nContent-Type: text/plain; charset=UTF-8\n\nA test mail:\n' +
        '+Content-Type: text/plain; charset=utf-7\n+\n+Gr+APw-n\n',
    );
    const mail = await parseMail(raw);
    expect(mail.text).toBe('A test mail:\n+Content-Type: text/plain; charset=utf-7\n+\n+Gr+APw-n');
  });
});
