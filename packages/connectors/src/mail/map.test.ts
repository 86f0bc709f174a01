import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ItemSchema, TributaryError } from '@tributary/sdk';
import { describe, expect, it } from 'vitest';
import { toMailItem } from './map.js';
import { fallbackMessageId, normalizeMessageId, parseIdList } from './message-id.js';
import { parseMail } from './parse.js';
import { testdata } from './test-support/testdata.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('message ids', () => {
  it('strips brackets and lowercases only the domain', () => {
    expect(normalizeMessageId(' <AbC.1@Example.COM> ')).toBe('AbC.1@example.com');
    expect(normalizeMessageId('<x@Y> (comment)')).toBe('x@y');
    expect(normalizeMessageId('')).toBeUndefined();
    expect(parseIdList('<a@B> <c@D>\r\n <a@b>')).toEqual(['a@b', 'c@d']);
  });

  it('gives a stable sha256 id when Message-ID is missing', async () => {
    const raw = 'From: a@b.c\nSubject: no id\nDate: Fri, 23 Aug 2002 02:32:53 -0400\n\nhello\n';
    const one = await parseMail(enc(raw));
    const two = await parseMail(enc(raw.replace(/\n/g, '\r\n')));
    expect(one.hasMessageId).toBe(false);
    expect(one.messageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(two.messageId).toBe(one.messageId);
    const other = await parseMail(enc(raw.replace('hello', 'bye')));
    expect(other.messageId).not.toBe(one.messageId);
    expect(fallbackMessageId({ body: 'x' })).not.toBe(fallbackMessageId({ body: 'y' }));
  });
});

describe('parseMail + toMailItem', () => {
  const raw = [
    'From: =?utf-8?q?J=C3=B6rg?= <jorg@Example.com>',
    'To: Ann <ann@example.com>, bob@example.com',
    'Cc: Team: c1@example.com, c2@example.com;',
    'Subject: =?iso-8859-1?q?R=E9union?=',
    'Date: Fri, 23 Aug 2002 02:32:53 -0400',
    'Message-ID: <Msg-2@MAIL.example.com>',
    'In-Reply-To: <msg-1@example.com>',
    'References: <root@Example.com> <msg-1@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Hello <b>team</b></p><ul><li>one</li></ul><img src="x.png">',
    '--b',
    'Content-Type: text/csv; name="data.csv"',
    'Content-Disposition: attachment; filename="data.csv"',
    '',
    'a,b',
    '1,2',
    '--b--',
    '',
  ].join('\r\n');

  it('maps headers, thread, html-only body and attachments', async () => {
    const mail = await parseMail(enc(raw), { attachmentText: true });
    const item = ItemSchema.parse(toMailItem(mail, { container: 'INBOX', metadata: { flags: ['seen'] } }));
    expect(item.externalId).toBe('Msg-2@mail.example.com');
    expect(item.thread).toBe('root@example.com');
    expect(item.title).toBe('Réunion');
    expect(item.author).toBe('Jörg <jorg@Example.com>');
    expect(item.occurredAt).toBe('2002-08-23T06:32:53.000Z');
    expect(item.container).toBe('INBOX');
    expect(item.content).toContain('Hello team');
    expect(item.content).toContain('* one');
    expect(item.content).not.toContain('<p>');
    expect(item.content).toContain('--- attachment: data.csv ---\na,b\n1,2');
    expect(item.metadata).toMatchObject({
      to: ['Ann <ann@example.com>', 'bob@example.com'],
      cc: ['c1@example.com', 'c2@example.com'],
      inReplyTo: 'msg-1@example.com',
      attachments: [{ name: 'data.csv', type: 'text/csv', size: 8 }],
      flags: ['seen'],
    });
  });

  it('leaves attachment text out when the feature is off, and content is the same with LF or CRLF', async () => {
    const crlf = toMailItem(await parseMail(enc(raw)));
    const lf = toMailItem(await parseMail(enc(raw.replace(/\r\n/g, '\n'))));
    expect(crlf.content).not.toContain('a,b');
    expect(lf.content).toBe(crlf.content);
    expect(lf.externalId).toBe(crlf.externalId);
  });

  it('refuses empty and binary input with record_invalid', async () => {
    await expect(parseMail(new Uint8Array())).rejects.toMatchObject({ code: 'record_invalid' });
    const err = await parseMail(new Uint8Array([0, 1, 2, 0, 255, 10, 10])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TributaryError);
  });

  it('keeps a headerless message as text', async () => {
    const mail = await parseMail(enc('a\n'));
    expect(mail.text).toBe('a');
    expect(mail.subject).toBeUndefined();
  });
});

describe('every .eml under the shared test data', () => {
  it('parses without a crash into a valid item', async () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.eml')) files.push(p);
      }
    };
    walk(testdata('email/eml'));
    expect(files.length).toBeGreaterThan(200);
    const failures: string[] = [];
    for (const f of files) {
      try {
        ItemSchema.parse(toMailItem(await parseMail(readFileSync(f), { attachmentText: true })));
      } catch (err) {
        failures.push(`${f}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
