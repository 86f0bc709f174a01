import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GmailState, startGmailTwin, type GmailTwin } from '../../../../test/twins/google/index.js';
import { emlConnector } from '../eml/index.js';
import { makeDocx, makePdf } from '../files/test-support/documents.js';
import { parseMail } from '../mail/parse.js';
import { gmailConnector } from './index.js';

let twin: GmailTwin | undefined;
let dir: string | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const part = (type: string, name: string, body: Buffer): string[] => [
  '--b1',
  `Content-Type: ${type}; name="${name}"`,
  `Content-Disposition: attachment; filename="${name}"`,
  'Content-Transfer-Encoding: base64',
  '',
  body.toString('base64').replace(/.{76}/g, '$&\r\n'),
];

/** A message with a PDF, a DOCX sent as octet-stream (typed by its name), a corrupt PDF and an unknown binary. */
function messageWithDocuments(): Buffer {
  return Buffer.from(
    [
      'From: Ana <ana@twin.example>',
      'To: Owner <owner@twin.example>',
      'Subject: Reports attached',
      'Date: Tue, 02 Jun 2026 10:00:00 +0000',
      'Message-ID: <docs-1@twin.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Both reports are attached.',
      ...part('application/pdf', 'seagulls.pdf', makePdf(['Quarterly report on seagulls', 'Colony grew 12%'])),
      ...part('application/octet-stream', 'minutes.docx', makeDocx(['Minutes of the harbour board', 'Pier opens'])),
      ...part('application/pdf', 'broken.pdf', Buffer.from('%PDF-1.4 this is not really a pdf')),
      ...part('application/octet-stream', 'blob.bin', Buffer.from([0, 1, 2, 3, 4, 5])),
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

describe('mail attachments through the file extractors', () => {
  it('extracts PDF and DOCX text (by MIME type or file name); corrupt and unknown files stay listed without text', async () => {
    const mail = await parseMail(messageWithDocuments(), { attachmentText: true });
    const byName = new Map(mail.attachments.map((a) => [a.name, a]));
    expect(byName.get('seagulls.pdf')?.text).toContain('Quarterly report on seagulls');
    expect(byName.get('seagulls.pdf')?.text).toContain('Colony grew 12%');
    expect(byName.get('minutes.docx')?.text).toContain('Minutes of the harbour board');
    expect(byName.get('broken.pdf')).toMatchObject({ type: 'application/pdf' });
    expect(byName.get('broken.pdf')?.text).toBeUndefined();
    expect(byName.get('blob.bin')?.text).toBeUndefined();
    // Without the feature nothing is extracted.
    const plain = await parseMail(messageWithDocuments());
    expect(plain.attachments.every((a) => a.text === undefined)).toBe(true);
    expect(plain.attachments).toHaveLength(4);
  });

  it('gmail (format=raw through the twin) and eml give the same content, document text included', async () => {
    const raw = messageWithDocuments();
    const state = new GmailState();
    state.add(raw);
    twin = await startGmailTwin(state, { record: false });
    const ctx = createTestContext(gmailConnector, {
      config: { rootUrl: twin.rootUrl },
      credentials: { kind: 'oauth2', accessToken: 'ya29.twin-token' },
      features: { attachments: true },
    });
    const gmail = (await collectPages(gmailConnector, ctx)).flatMap((p) => p.items ?? []);
    expect(gmail).toHaveLength(1);
    expect(gmail[0]!.content).toContain('--- attachment: seagulls.pdf ---\nQuarterly report on seagulls');
    expect(gmail[0]!.content).toContain('--- attachment: minutes.docx ---');
    expect(gmail[0]!.content).toContain('Pier opens');
    expect(gmail[0]!.content).not.toContain('broken.pdf');

    dir = await mkdtemp(join(tmpdir(), 'tributary-gmail-att-'));
    await writeFile(join(dir, 'docs.eml'), raw);
    const eml = (
      await collectPages(
        emlConnector,
        createTestContext(emlConnector, { config: { rootDir: dir }, features: { attachments: true } }),
      )
    ).flatMap((p) => p.items ?? []);
    expect(eml.map((i) => [i.externalId, i.title, i.content])).toEqual(
      gmail.map((i) => [i.externalId, i.title, i.content]),
    );
  });
});
